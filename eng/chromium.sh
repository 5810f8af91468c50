# Headless Chromium for the status page test (tests/OutreachFunctions.Tests/Monitoring/StatusPageChromiumTests.cs).
# Sourced, not run: `source eng/chromium.sh && install_chromium`. Debian's packages; needs root (CI runs as root).
install_chromium() {
  if [ -x /usr/bin/chromium ]; then
    return 0
  fi
  printf '\n==> %s\n' "apt-get install chromium (status page test)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "chromium is missing and this is not root: install it with 'sudo apt-get install -y chromium'" >&2
    return 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  if [ ! -x /usr/bin/chromium ]; then
    echo "apt-get did not install /usr/bin/chromium" >&2
    return 1
  fi
}
