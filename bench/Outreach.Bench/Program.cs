using Outreach.Bench;

// Benchmarks print a table of measured figures, each with a ratio against a baseline measured in the same run.
// Usage: dotnet run -c Release --project bench/Outreach.Bench -- <ingest|ingest-load|delivery [prospects]|startup|activation [--quick]|all>
var which = args.Length > 0 ? args[0] : "all";
switch (which)
{
    case "ingest":
        IngestBenchmark.Run(Console.Out);
        break;
    case "ingest-load":
        await IngestLoadBenchmark.RunAsync(Console.Out);
        break;
    case "delivery":
        await DeliveryBenchmark.RunAsync(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 600);
        break;
    case "activation":
        await ActivationBenchmark.RunAsync(Console.Out, quick: args.Contains("--quick"));
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
        Console.Error.WriteLine($"Unknown benchmark '{which}'. Use: ingest, ingest-load, delivery, startup, activation [--quick], all.");
        return 2;
}

return 0;
