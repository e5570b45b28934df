using WorkCentre.Intake.Participants;

namespace WorkCentre.Intake.Tests.Participants;

public sealed class BsnTests
{
    [Theory]
    [InlineData("111222333")]
    [InlineData("123456782")]
    [InlineData("999999990")]
    public void Given_a_number_that_passes_the_eleven_test_Then_it_is_a_valid_bsn(string bsn) => Assert.True(Bsn.IsValid(bsn));

    [Theory]
    [InlineData("123456789")] // the example: fails the eleven-test
    [InlineData("000000000")] // passes the sum, is no one's
    [InlineData("11122233")]
    [InlineData("1112223333")]
    [InlineData("11122233a")]
    [InlineData("111 222 333")]
    [InlineData("")]
    [InlineData(null)]
    public void Given_anything_else_Then_it_is_not_a_bsn(string? bsn) => Assert.False(Bsn.IsValid(bsn));

    [Fact]
    public void Given_a_valid_bsn_When_any_one_digit_changes_Then_it_fails_the_eleven_test()
    {
        const string valid = "111222333";
        for (var position = 0; position < 9; position++)
        {
            for (var digit = '0'; digit <= '9'; digit++)
            {
                if (digit == valid[position])
                {
                    continue;
                }
                var changed = valid[..position] + digit + valid[(position + 1)..];
                Assert.False(Bsn.IsValid(changed), changed);
            }
        }
    }
}
