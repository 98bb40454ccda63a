using Microsoft.Extensions.Options;

namespace Checkpoint.Hosting;

/// <summary>Checks <see cref="RetentionSweepOptions"/> when the service starts.</summary>
internal sealed class RetentionSweepOptionsValidator : IValidateOptions<RetentionSweepOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionSweepOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Policy is null)
        {
            return ValidateOptionsResult.Fail("RetentionSweepOptions.Policy is required: which checkpoints should the sweep keep?");
        }

        return options.Interval <= TimeSpan.Zero
            ? ValidateOptionsResult.Fail($"RetentionSweepOptions.Interval must be positive (was {options.Interval}).")
            : ValidateOptionsResult.Success;
    }
}
