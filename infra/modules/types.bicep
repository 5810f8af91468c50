metadata description = 'Types shared by the modules.'

@export()
@description('Resource tags: string values only (azd-env-name on everything, azd-service-name on the function app).')
type tagsType = {
  *: string
}
