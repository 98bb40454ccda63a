using TelemetryExample;

var path = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), $"checkpoint-telemetry-{Guid.NewGuid():N}.db");
var state = await TelemetryDemo.RunAsync(path);
Console.WriteLine($"answer: {state.Answer}");
