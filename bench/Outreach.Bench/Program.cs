using Outreach.Bench;

// Benchmarks print a table of measured figures, each with a ratio against a baseline measured in the same run.
// Usage: dotnet run -c Release --project bench/Outreach.Bench -- <ingest|ingest-load [--no-drain]|delivery [prospects]|delivery-email [prospects]|drainers [prospects] [--drainers N]|activation [--quick] [--systems abcd] [--max-backlog N]|create [emails]|sequences [prospects]|startup|all>
var which = args.Length > 0 ? args[0] : "all";
switch (which)
{
    case "ingest":
        IngestBenchmark.Run(Console.Out);
        break;
    case "ingest-load":
        await IngestLoadBenchmark.RunAsync(Console.Out, drain: !args.Contains("--no-drain"));
        break;
    case "delivery":
        await DeliveryBenchmark.RunAsync(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 600);
        break;
    case "drainers":
        var drainersAt = Array.IndexOf(args, "--drainers");
        var drainers = drainersAt > 0 && drainersAt + 1 < args.Length ? int.Parse(args[drainersAt + 1], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var prospects = args.Length > 1 && drainersAt != 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 600;
        await DrainerScalingBenchmark.RunAsync(Console.Out, prospects, drainers);
        break;
    case "delivery-email":
        await EmailDeliveryBenchmark.RunAsync(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 400);
        break;
    case "activation":
        var systemsAt = Array.IndexOf(args, "--systems");
        var backlogAt = Array.IndexOf(args, "--max-backlog");
        if (!await ActivationBenchmark.RunAsync(
                Console.Out,
                quick: args.Contains("--quick"),
                only: systemsAt > 0 && systemsAt + 1 < args.Length ? args[systemsAt + 1] : null,
                maxBacklog: backlogAt > 0 && backlogAt + 1 < args.Length ? int.Parse(args[backlogAt + 1], System.Globalization.CultureInfo.InvariantCulture) : ActivationBenchmark.DefaultMaxBacklog))
        {
            return 1;
        }

        break;
    case "create":
        await CreateBenchmark.RunAsync(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000);
        break;
    case "sequences":
        await SequenceBenchmark.RunAsync(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5000);
        break;
    case "startup":
        HandlerStartupBenchmark.Run(Console.Out);
        break;
    case "all":
        IngestBenchmark.Run(Console.Out);
        await DeliveryBenchmark.RunAsync(Console.Out);
        HandlerStartupBenchmark.Run(Console.Out);
        break;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{which}'. Use: ingest, ingest-load, delivery, delivery-email, drainers, activation [--quick], create [emails], sequences [prospects], startup, all.");
        return 2;
}

return 0;
