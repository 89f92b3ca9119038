using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Tests.Common;

public sealed class ValueTypeTests
{
    [Theory]
    [InlineData("9434765919")]
    [InlineData("943 476 5919")]
    [InlineData("943-476-5919")]
    public void A_valid_NHS_number_is_accepted_in_the_forms_people_write_it(string written)
    {
        var number = NhsNumber.Parse(written);
        Assert.Equal("9434765919", number.Digits);
        Assert.Equal("943 476 5919", number.Formatted);
    }

    [Theory]
    [InlineData("9434765918")] // check digit off by one
    [InlineData("9434765910")]
    [InlineData("4010232138")]
    public void An_NHS_number_with_a_wrong_check_digit_is_refused(string written)
    {
        var error = Assert.Throws<CareRuleException>(() => NhsNumber.Parse(written));
        Assert.Equal(RuleViolation.InvalidArgument, error.Violation);
        Assert.Contains("check digit", error.Message);
    }

    [Fact]
    public void A_stem_whose_check_digit_would_be_ten_has_no_valid_number()
    {
        // 1 2 3 4 5 6 7 8 1: weights 10..2 give 10+18+24+28+30+30+28+24+2 = 194; 194 mod 11 = 7; 11-7 = 4 → valid with 4.
        // Find a stem with remainder 1 (check 10) and prove no tenth digit completes it.
        var stem = Enumerable.Range(100_000_000, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .First(s => NhsNumber.CheckDigit(s + "0") == -1);
        for (var last = 0; last <= 9; last++)
            Assert.False(NhsNumber.TryParse(stem + last, out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("94347659191")]
    [InlineData("94347A5919")]
    public void An_NHS_number_that_is_not_ten_digits_is_refused(string written) =>
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() => NhsNumber.Parse(written)).Violation);

    [Fact]
    public void An_NHS_number_never_prints_itself()
    {
        var number = NhsNumber.Parse("9434765919");
        Assert.DoesNotContain("9434765919", number.ToString());
        Assert.DoesNotContain("943", $"{number}");
    }

    [Fact]
    public void Test_numbers_are_valid_distinct_and_in_the_reserved_range()
    {
        var numbers = Enumerable.Range(0, 200).Select(NhsNumber.ForTesting).ToList();
        Assert.All(numbers, n => Assert.True(n.IsTestRange));
        Assert.All(numbers, n => Assert.Equal(n, NhsNumber.Parse(n.Digits)));
        Assert.Equal(200, numbers.Distinct().Count());
    }

    [Theory]
    [InlineData("12A3456B", "12A3456B")]
    [InlineData(" 12a3456b ", "12A3456B")]
    public void An_NMC_PIN_is_two_digits_a_letter_four_digits_a_letter(string written, string expected) =>
        Assert.Equal(expected, NmcPin.Parse(written).Value);

    [Theory]
    [InlineData("")]
    [InlineData("1A3456B")]
    [InlineData("12A345B")]
    [InlineData("12A34567")]
    [InlineData("AB12345C")]
    public void A_malformed_NMC_PIN_is_refused(string written) =>
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() => NmcPin.Parse(written)).Violation);

    [Theory]
    [InlineData("e32ab", "E3 2AB", "E3", "E3 2")]
    [InlineData("E3  2AB", "E3 2AB", "E3", "E3 2")]
    [InlineData("sw1a 1aa", "SW1A 1AA", "SW1A", "SW1A 1")]
    [InlineData("E14 7HQ", "E14 7HQ", "E14", "E14 7")]
    [InlineData("m1 1ae", "M1 1AE", "M1", "M1 1")]
    public void A_postcode_is_normalised_and_knows_its_district_and_sector(string written, string value, string district, string sector)
    {
        var postcode = Postcode.Parse(written);
        Assert.Equal(value, postcode.Value);
        Assert.Equal(district, postcode.District);
        Assert.Equal(sector, postcode.Sector);
    }

    [Theory]
    [InlineData("")]
    [InlineData("E3")]
    [InlineData("3E 2AB")]
    [InlineData("E3 2A")]
    [InlineData("E3 ABC")]
    public void A_malformed_postcode_is_refused(string written) =>
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() => Postcode.Parse(written)).Violation);

    [Fact]
    public void A_district_area_holds_its_sectors_and_a_sector_area_only_itself()
    {
        var district = PostcodeArea.Parse("e3");
        var sector = PostcodeArea.Parse("E3 2");
        Assert.True(district.ContainsSector("E3 2"));
        Assert.True(district.ContainsSector("E3 5"));
        Assert.False(district.ContainsSector("E31 2"));
        Assert.True(sector.ContainsSector("E3 2"));
        Assert.False(sector.ContainsSector("E3 3"));
    }

    [Theory]
    [InlineData("Team-1")]
    [InlineData("-team")]
    [InlineData("team id")]
    [InlineData("")]
    public void An_id_outside_the_id_alphabet_is_refused(string id) =>
        Assert.Equal(RuleViolation.InvalidArgument, Assert.Throws<CareRuleException>(() => Ids.Parse(id, "team_id")).Violation);

    [Fact]
    public void The_same_request_id_always_derives_the_same_id_and_different_ones_differ()
    {
        Assert.Equal(Ids.Derive("team", "r-1"), Ids.Derive("team", "r-1"));
        Assert.NotEqual(Ids.Derive("team", "r-1"), Ids.Derive("team", "r-2"));
        Assert.NotEqual(Ids.Derive("team", "r-1"), Ids.Derive("nurse", "r-1"));
        Assert.Equal(Ids.Derive("team", "r-1"), Ids.Parse(Ids.Derive("team", "r-1"), "team_id"));
    }

    [Fact]
    public void Text_is_trimmed_required_and_bounded()
    {
        Assert.Equal("Bow", Text.Required("  Bow ", "Team name"));
        Assert.Throws<CareRuleException>(() => Text.Required("   ", "Team name"));
        Assert.Throws<CareRuleException>(() => Text.Required(new string('x', Text.ShortMax + 1), "Team name"));
        Assert.Null(Text.Optional(" ", "Phone"));
    }
}
