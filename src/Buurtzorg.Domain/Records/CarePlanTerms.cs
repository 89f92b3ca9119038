namespace Buurtzorg.Domain.Records;

/// <summary>What kind of care an intervention gives; it drives funding (reablement is free for six weeks).</summary>
public enum CareType
{
    Nursing = 1,
    PersonalCare,
    Reablement,
    SocialSupport,
}

public enum FrequencyPeriod
{
    Day = 1,
    Week,
}

/// <summary>How often an intervention is given: 1 to 6 times a day, or 1 to 14 times a week.</summary>
public sealed record VisitFrequency(int Times, FrequencyPeriod Period)
{
    public const int MaxPerDay = 6;
    public const int MaxPerWeek = 14;
}

public enum TimeWindow
{
    Any = 1,
    Morning,
    Midday,
    Afternoon,
    Evening,
}

/// <summary>Who agreed a goal: the client, or someone speaking for them.</summary>
public enum AgreedBy
{
    Client = 1,
    Representative,
}

public enum DischargeReason
{
    GoalsMet = 1,
    MovedAway,
    TransferredToAnotherService,
    MovedIntoCareHome,
    LongTermHospitalStay,
    Died,
    ClientChoice,
    Other,
}

/// <summary>An Omaha Problem Rating Scale for Outcomes rating: Knowledge, Behaviour and Status, each 1 (worst) to 5.</summary>
public sealed record OutcomeRating(int Knowledge, int Behaviour, int Status)
{
    public const int Lowest = 1;
    public const int Highest = 5;
}

/// <summary>The outcome measure: the latest rating minus the first, per scale (positive is better).</summary>
public sealed record OutcomeChange(int Knowledge, int Behaviour, int Status)
{
    public static OutcomeChange Between(OutcomeRating first, OutcomeRating latest)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(latest);
        return new(latest.Knowledge - first.Knowledge, latest.Behaviour - first.Behaviour, latest.Status - first.Status);
    }
}

/// <summary>A rating given to one problem, as in the final ratings at discharge.</summary>
public sealed record ProblemRating(string ProblemId, OutcomeRating Rating);
