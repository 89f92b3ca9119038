using Buurtzorg.Domain.Common;

namespace Buurtzorg.Simulator.OrganisationDay;

/// <summary>
/// Valid NHS numbers from the test range, in order, one pass over the range: <see cref="NhsNumber.ForTesting"/>
/// counts from the start on every call, which is too slow for the tens of thousands a large run refers.
/// </summary>
public sealed class TestNhsNumbers
{
    private long _stem = 999_000_000L;

    public TestNhsNumbers(int skip)
    {
        for (var i = 0; i < skip; i++) Next();
    }

    /// <summary>How many numbers of the range lie behind: skipped and handed out. A new sequence skipping as many continues here.</summary>
    public int Position { get; private set; }

    public string Next()
    {
        while (_stem <= 999_999_999L)
        {
            var stem = _stem++.ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (var check = 0; check <= 9; check++)
                if (NhsNumber.TryParse($"{stem}{check}", out var number, out _))
                {
                    Position++;
                    return number.Digits;
                }
        }
        throw new InvalidOperationException("The NHS test range is used up.");
    }
}
