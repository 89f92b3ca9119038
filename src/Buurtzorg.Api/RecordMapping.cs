using System.Collections.Immutable;
using System.Globalization;
using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;
using Records = Buurtzorg.Domain.Records;

namespace Buurtzorg.Api;

/// <summary>The care record and its history as the wire shows them.</summary>
public static class RecordMapping
{
    public static Records.OutcomeRating FromProto(V1.OutcomeRating? rating) =>
        rating is null ? throw CareRuleException.Invalid("rating is required.") : new(rating.Knowledge, rating.Behaviour, rating.Status);

    public static V1.OutcomeRating ToProto(this Records.OutcomeRating rating) =>
        new() { Knowledge = rating.Knowledge, Behaviour = rating.Behaviour, Status = rating.Status };

    public static V1.CareRecord ToProto(this Records.RecordView record)
    {
        var continuity = record.VisitsByNurse;
        var proto = new V1.CareRecord
        {
            ClientId = record.ClientId,
            NhsNumber = record.NhsNumber?.Digits ?? "",
            TeamId = record.OpenEpisode?.TeamId ?? "",
            CurrentEpisode = record.OpenEpisode?.ToProto(),
            NextReviewDate = Wire.Date(record.NextReviewOn),
            ReablementEndsDate = Wire.Date(record.ReablementEndsOn),
            Continuity = new Continuity { Visits = continuity.Values.Sum() },
        };
        proto.Details = record.Demographics?.ToProto();
        proto.Referrals.AddRange(record.Referrals.Select(r => r.ToProto()));
        proto.DetailsDifferFromReferral = record.DetailsDifferFromReferral;
        if (ContinuityIndex.Upc(continuity.Values) is { } upc) proto.Continuity.Upc = upc;
        if (ContinuityIndex.Coc(continuity.Values) is { } coc) proto.Continuity.Coc = coc;
        if (record.DirectCareShare is { } share) proto.DirectCareShare = share;
        proto.PastEpisodes.AddRange(record.PastEpisodes.Select(e => e.ToProto()));
        proto.Problems.AddRange(record.ActiveProblems.Select(p => p.ToProto()));
        proto.Goals.AddRange(record.Goals.Select(g => g.ToProto()));
        proto.Interventions.AddRange(record.Interventions.Select(i => i.ToProto()));
        proto.Network.AddRange(record.Network.Select(m => m.ToProto()));
        // A year of care is hundreds of visits: the record shows the latest, the history pages through the rest.
        proto.Visits.AddRange(record.LatestVisits.Select(v => v.ToProto()));
        proto.Notes.AddRange(record.LatestNotes.Select(n => n.ToProto()));
        proto.VisitsInEpisode = record.VisitsInEpisode;
        proto.NotesInEpisode = record.NotesInEpisode;
        return proto;
    }

    public static ClientDetails ToProto(this Demographics details) => new()
    {
        GivenName = details.GivenName,
        FamilyName = details.FamilyName,
        DateOfBirth = Wire.Date(details.DateOfBirth),
        AddressLine = details.AddressLine,
        Postcode = details.Postcode.Value,
        Phone = details.Phone ?? "",
    };

    /// <summary>The details as sent, for the record's rules to check and tidy (unreadable values stop here).</summary>
    public static Demographics FromProto(ClientDetails? details, string field) =>
        details is null
            ? throw CareRuleException.Invalid($"{field} are required.")
            : new(details.GivenName, details.FamilyName, Wire.Date(details.DateOfBirth, $"{field}.date_of_birth"),
                details.AddressLine, Postcode.Parse(details.Postcode), details.Phone);

    /// <summary>A referral with the details it gave, shown as the referral's, apart from the client's own.</summary>
    public static V1.ClientReferral ToProto(this Records.ClientReferral referral)
    {
        var proto = new V1.ClientReferral
        {
            ReferralId = referral.ReferralId,
            TeamId = referral.TeamId,
            Source = Wire.ToProto<V1.ReferralSource>(referral.Source),
            ReceivedAt = Wire.Instant(referral.ReceivedAt),
            Details = referral.Details?.ToProto(),
            DetailsDiffer = referral.DetailsDiffer,
            SettledByEntryId = referral.SettledByEntryId ?? "",
        };
        proto.Needs.AddRange(Wire.ToProto<V1.Skill, Domain.Common.Skill>(referral.Needs));
        return proto;
    }

    /// <summary>How many of the current episode's visits, and of its notes, a record shows.</summary>
    public const int LatestShown = RecordView.LatestShown;

    public static V1.Episode ToProto(this Records.Episode episode)
    {
        var proto = new V1.Episode
        {
            EpisodeId = episode.EpisodeId,
            TeamId = episode.TeamId,
            ReferralId = episode.ReferralId,
            Source = Wire.ToProto<V1.ReferralSource>(episode.Source),
            AdmittedAt = Wire.Instant(episode.AdmittedAt),
            DischargedAt = Wire.Instant(episode.DischargedAt),
            DischargeReason = episode.DischargeReason is { } r ? Wire.ToProto<V1.DischargeReason>(r) : V1.DischargeReason.Unspecified,
        };
        proto.Needs.AddRange(Wire.ToProto<V1.Skill, Domain.Common.Skill>(episode.Needs));
        return proto;
    }

    public static V1.Problem ToProto(this CarePlanProblem problem)
    {
        var proto = new V1.Problem
        {
            ProblemId = problem.ProblemId,
            Problem_ = Wire.ToProto<V1.OmahaProblem>(problem.Problem),
            Domain = Wire.ToProto<V1.OmahaDomain>(problem.Domain),
            Scope = Wire.ToProto<V1.ProblemScope>(problem.Scope),
            Severity = Wire.ToProto<V1.ProblemSeverity>(problem.Severity),
            FirstRating = problem.FirstRating?.ToProto(),
            LatestRating = problem.LatestRating?.ToProto(),
        };
        proto.SignsAndSymptoms.AddRange(problem.Signs);
        return proto;
    }

    public static V1.Rating ToProto(this RecordedRating rating) =>
        new() { Rating_ = rating.Rating.ToProto(), RatedOn = Wire.Date(rating.RatedOn), Rater = rating.Rater };

    public static V1.Goal ToProto(this Records.Goal goal) => new()
    {
        GoalId = goal.GoalId,
        ProblemId = goal.ProblemId,
        Description = goal.Description,
        AgreedBy = Wire.ToProto<V1.AgreedBy>(goal.AgreedBy),
        AgreedByName = goal.AgreedByName,
        AgreedOn = Wire.Date(goal.AgreedOn),
    };

    public static V1.Intervention ToProto(this Records.Intervention intervention)
    {
        var proto = new V1.Intervention
        {
            InterventionId = intervention.InterventionId,
            ProblemId = intervention.ProblemId,
            Category = Wire.ToProto<V1.InterventionCategory>(intervention.Category),
            Target = intervention.Target,
            Detail = intervention.Detail ?? "",
            CareType = Wire.ToProto<V1.CareType>(intervention.CareType),
            Frequency = new V1.VisitFrequency { Times = intervention.Frequency.Times, Period = Wire.ToProto<V1.FrequencyPeriod>(intervention.Frequency.Period) },
            TimeWindow = Wire.ToProto<V1.TimeWindow>(intervention.TimeWindow),
            DurationMinutes = intervention.DurationMinutes,
        };
        proto.Skills.AddRange(Wire.ToProto<V1.Skill, Domain.Common.Skill>(intervention.Skills));
        return proto;
    }

    public static V1.NetworkMember ToProto(this Records.NetworkMember member) => new()
    {
        MemberId = member.MemberId,
        Role = Wire.ToProto<V1.NetworkRole>(member.Role),
        Kind = Wire.ToProto<V1.NetworkKind>(member.Kind),
        Name = member.Name,
        Contact = member.Contact ?? "",
        ContactPreference = Wire.ToProto<V1.ContactPreference>(member.ContactPreference),
        Note = member.Note ?? "",
    };

    public static V1.Visit ToProto(this Records.Visit visit)
    {
        var proto = new V1.Visit
        {
            VisitId = visit.VisitId,
            NurseId = visit.NurseId,
            Start = Wire.Instant(visit.Start),
            DurationMinutes = visit.DurationMinutes,
            DirectCareMinutes = visit.DirectCareMinutes,
            Note = visit.Note ?? "",
            OutOfHours = visit.OutOfHours,
        };
        proto.InterventionsDone.AddRange(visit.InterventionsDone);
        return proto;
    }

    public static V1.Note ToProto(this Records.Note note) =>
        new() { NoteId = note.NoteId, Text = note.Text, RecordedBy = note.RecordedBy, RecordedAt = Wire.Instant(note.At) };

    public static HistoryEntry ToHistory(this HistoryItem item) => item.Entry.ToHistory(item.CorrectedByEntryId);

    public static HistoryEntry ToHistory(this RecordEntry entry, string? correctedByEntryId = null) => new()
    {
        EntryId = entry.EntryId,
        At = Wire.Instant(entry.At),
        RecordedBy = entry.RecordedBy,
        Kind = entry.Kind,
        Summary = Summary(entry),
        CorrectsEntryId = (entry as Correction)?.CorrectsEntryId ?? "",
        CorrectedByEntryId = correctedByEntryId ?? "",
    };

    /// <summary>One line a nurse can read in the record's history (inside the team: it may name people).</summary>
    private static string Summary(RecordEntry entry) => entry switch
    {
        ReferralReceived e => $"Referral received from {Words(e.Source)} for {string.Join(", ", e.Needs.Select(n => Words(n)))}",
        EpisodeOpened e => $"Admitted to the caseload of team {e.TeamId}",
        EpisodeClosed e => $"Discharged: {Words(e.Reason)}" + (e.Summary is null ? "" : $" — {e.Summary}"),
        NetworkMemberAdded e => $"{Words(e.Role)} added to the network: {e.Name}",
        NetworkMemberRemoved e => $"Network member {e.MemberId} removed",
        ProblemAdded e => $"Problem identified: {OmahaCatalogue.DisplayName(e.Problem)} ({Words(e.Severity)})",
        ProblemResolved e => $"Problem {e.ProblemId} resolved",
        RatingRecorded e => $"Rated K{e.Rating.Knowledge} B{e.Rating.Behaviour} S{e.Rating.Status} on {Wire.Date(e.RatedOn)}",
        GoalAgreed e => $"Goal agreed with {Words(e.AgreedBy)} {e.AgreedByName}: {e.Description}",
        InterventionAdded e => $"Intervention: {Words(e.Category)} — {e.Target}, {e.Frequency.Times} per {Words(e.Frequency.Period)}",
        InterventionStopped e => $"Intervention {e.InterventionId} stopped",
        ReviewScheduled e => $"Review due on {Wire.Date(e.DueOn)}",
        ReablementRenewed => "Reablement renewed for six weeks",
        VisitRecorded e => $"{(e.OutOfHours ? "Out-of-hours visit" : "Visit")} by {e.NurseId}: {e.DurationMinutes} min, {e.DirectCareMinutes} direct care",
        NoteAdded e => e.Text,
        Correction e => e.Strikes ? $"Struck out as entered in error: {e.Reason}" : $"Corrected: {e.Reason}",
        DemographicsUpdated e => $"Details confirmed {From(e.Source, e.ReferralId)}: " +
            $"{e.Details.GivenName} {e.Details.FamilyName}, {e.Details.AddressLine}, {e.Details.Postcode}",
        _ => entry.Kind,
    };

    private static string From(Records.DemographicsSource source, string? referralId) => source switch
    {
        Records.DemographicsSource.PdsLookup => "from a PDS lookup",
        Records.DemographicsSource.ClientOrFamily => "as the client or family told",
        _ => $"as referral {referralId} gave them",
    };

    private static string Words(Enum value)
    {
        var name = value.ToString();
        return string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLower(c, CultureInfo.InvariantCulture) : c.ToString()));
    }
}
