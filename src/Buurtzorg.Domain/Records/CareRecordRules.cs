using System.Collections.Immutable;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Records;

/// <summary>
/// The rules an entry must pass before it joins a record. Each method takes the entry the caller wants to append,
/// and returns it tidied (text trimmed, lists de-duplicated) for <see cref="CareRecord.Apply"/>, or throws a
/// <see cref="CareRuleException"/> and changes nothing. Messages never quote what the caller sent, since any field
/// may hold patient data.
/// <para>
/// A retry is safe: an entry whose id is already in the record is answered with the entry stored then, without
/// checking it again (the record has moved on, so the rules might now refuse it).
/// </para>
/// <para>
/// The domain never reads the clock: <c>now</c> is the time of the call and <c>today</c> the team's local date.
/// </para>
/// </summary>
public static class CareRecordRules
{
    public const string NotOnCaseload = "The client is not on a caseload: admit the client before recording care.";
    public const int GoalMax = 1000;
    public const int DetailMax = 1000;
    public const int ReasonMax = 1000;
    public const int MaxSigns = 20;
    public const int MaxVisitMinutes = 720;
    public const int MinInterventionMinutes = 5;
    public const int MaxInterventionMinutes = 240;
    public const int MaxReviewYearsAhead = 2;
    public const string OutsideEpisode = "OUTSIDE_EPISODE";

    /// <summary>How long before the admission was recorded its assessment visit (and ratings made there) may lie.</summary>
    public static readonly TimeSpan AssessmentGrace = TimeSpan.FromDays(1);
    public static readonly TimeSpan FutureVisitTolerance = CareTime.ClockTolerance;

    /// <summary>Checks any kind of entry, by sending it to the rule for its kind.</summary>
    /// <param name="offline">
    /// The entry was made offline, before it reached us: the care plan may have changed since. A visit may then list
    /// an intervention stopped meanwhile, and a rating or goal name a problem resolved meanwhile (any the record ever
    /// had): what happened is kept, and <see cref="OfflineConflict"/> says whether it met a plan that had changed first.
    /// </param>
    public static RecordEntry Check(CareRecord record, RecordEntry entry, DateTimeOffset now, DateOnly today, bool offline = false)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry switch
        {
            // A missing NHS number reaches the rule as the empty default, which it refuses (after the retry check).
            ReferralReceived e => ReceiveReferral(record, e.NhsNumber ?? default, e),
            EpisodeOpened e => OpenEpisode(record, e),
            EpisodeClosed e => CloseEpisode(record, e),
            NetworkMemberAdded e => AddNetworkMember(record, e),
            NetworkMemberRemoved e => RemoveNetworkMember(record, e),
            ProblemAdded e => AddProblem(record, e),
            ProblemResolved e => ResolveProblem(record, e),
            RatingRecorded e => RecordRating(record, e, today, offline),
            GoalAgreed e => AgreeGoal(record, e, today, offline),
            InterventionAdded e => AddIntervention(record, e),
            InterventionStopped e => StopIntervention(record, e),
            ReviewScheduled e => ScheduleReview(record, e, today),
            ReablementRenewed e => RenewReablement(record, e),
            VisitRecorded e => RecordVisit(record, e, now, offline),
            NoteAdded e => AddNote(record, e, now),
            Correction e => Correct(record, e, now, today),
            DemographicsUpdated e => UpdateDemographics(record, e),
            _ => throw CareRuleException.Invalid("This kind of entry is not known."),
        };
    }

    // ---- Referral and episodes -----------------------------------------------------------------------------------

    /// <summary>
    /// A referral reached a team: the entry is stamped with the NHS number, which must match the record's. Its details
    /// are checked and tidied like any other; whether they differ from the record's is not a reason to refuse it (the
    /// record keeps them with the referral, see <see cref="RecordState"/>).
    /// </summary>
    public static ReferralReceived ReceiveReferral(CareRecord record, NhsNumber nhsNumber, ReferralReceived entry)
    {
        if (Retried(record, entry) is { } done) return done;
        if (nhsNumber.Digits is null) throw CareRuleException.Invalid("NHS number is required.");
        var referral = Stamped(entry) with
        {
            ReferralId = Ids.Parse(entry.ReferralId, "Referral id"),
            TeamId = Ids.Parse(entry.TeamId, "Team id"),
            Source = Known(entry.Source, "Referral source"),
            Demographics = Checked(entry.Demographics, RecordState.DateOf(entry.At)),
            Needs = Known(entry.Needs, "Need"),
            NhsNumber = nhsNumber,
        };
        if (record.NhsNumber is { } known && known != nhsNumber)
            throw CareRuleException.Precondition("The referral's NHS number does not match this record's. Please check it against the referral letter.", "NHS_NUMBER_MISMATCH");
        if (record.Referrals.Exists(r => r.ReferralId == referral.ReferralId))
            throw AlreadyExists("This referral is already on the client's record.");
        return referral;
    }

    /// <summary>A team admits the client from one of the record's referrals, unless the client is on a caseload already.</summary>
    public static EpisodeOpened OpenEpisode(CareRecord record, EpisodeOpened entry)
    {
        if (Retried(record, entry) is { } done) return done;
        var opened = Stamped(entry) with
        {
            EpisodeId = Ids.Parse(entry.EpisodeId, "Episode id"),
            TeamId = Ids.Parse(entry.TeamId, "Team id"),
            ReferralId = Ids.Parse(entry.ReferralId, "Referral id"),
            Source = Known(entry.Source, "Referral source"),
            Needs = Known(entry.Needs, "Need"),
        };
        if (record.OpenEpisode is { } open)
        {
            throw open.TeamId == opened.TeamId
                ? CareRuleException.Precondition("The client is already on this team's caseload.", "ALREADY_ON_CASELOAD")
                : CareRuleException.Precondition("The client is already on another team's caseload.", "ON_ANOTHER_CASELOAD");
        }
        if (!record.Referrals.Exists(r => r.ReferralId == opened.ReferralId))
            throw CareRuleException.NotFound("The referral is not on the client's record.");
        if (record.PastEpisodes.Exists(e => e.ReferralId == opened.ReferralId))
            throw CareRuleException.Precondition("This referral has already led to an episode of care; a new admission needs a new referral.");
        if (record.PastEpisodes.Exists(e => e.EpisodeId == opened.EpisodeId))
            throw AlreadyExists("An episode with this id is already on the client's record.");
        return opened;
    }

    /// <summary>Discharges the client from the open episode. Final ratings are optional; each must be for an active problem.</summary>
    public static EpisodeClosed CloseEpisode(CareRecord record, EpisodeClosed entry)
    {
        if (Retried(record, entry) is { } done) return done;
        var closed = Stamped(entry) with
        {
            EpisodeId = Ids.Parse(entry.EpisodeId, "Episode id"),
            Reason = Known(entry.Reason, "Discharge reason"),
            Summary = Text.Optional(entry.Summary, "Discharge summary", Text.NoteMax, multiline: true),
            FinalRatings = (entry.FinalRatings ?? []).Select(r => r is null
                ? throw CareRuleException.Invalid("A final rating is empty.")
                : new ProblemRating(Ids.Parse(r.ProblemId, "Problem id"), Checked(r.Rating))).ToImmutableList(),
        };
        if (record.OpenEpisode is not { } open)
            throw CareRuleException.Precondition("The client is not on a caseload.", "NOT_ON_CASELOAD");
        if (open.EpisodeId != closed.EpisodeId)
            throw CareRuleException.Precondition("That episode is not the client's open episode of care.");
        if (closed.FinalRatings.DistinctBy(r => r.ProblemId).Count() != closed.FinalRatings.Count)
            throw CareRuleException.Invalid("Each problem takes at most one final rating.");
        if (closed.FinalRatings.Exists(r => record.ActiveProblem(r.ProblemId) is null))
            throw CareRuleException.NotFound("A final rating is for a problem that is not active on the care plan.");
        return closed;
    }

    /// <summary>
    /// A nurse of the client's team confirms the client's details, from a source she names. Only for a client on a
    /// caseload (the access rules see to it that it is the caller's team's). A named referral must be on the record and
    /// the details must be the ones it gave.
    /// </summary>
    public static DemographicsUpdated UpdateDemographics(CareRecord record, DemographicsUpdated entry)
    {
        if (Retried(record, entry) is { } done) return done;
        var update = Stamped(entry) with
        {
            Details = Checked(entry.Details, RecordState.DateOf(entry.At)),
            Source = Known(entry.Source, "The source of the details"),
            ReferralId = entry.ReferralId is null ? null : Ids.Parse(entry.ReferralId, "Referral id"),
        };
        RequireCaseload(record);
        if (update.Source == DemographicsSource.ReferralConfirmed && update.ReferralId is null)
            throw CareRuleException.Invalid("Name the referral whose details are confirmed.");
        if (update.ReferralId is { } referralId)
        {
            var referral = record.Referrals.Find(r => r.ReferralId == referralId)
                ?? throw CareRuleException.NotFound("The referral is not on the client's record.");
            if (referral.Details != update.Details)
                throw CareRuleException.Invalid("The details are not the ones the referral gave: "
                    + "confirm them from a PDS lookup or from what the client told you instead.");
        }
        return update;
    }

    // ---- Network -------------------------------------------------------------------------------------------------

    public static NetworkMemberAdded AddNetworkMember(CareRecord record, NetworkMemberAdded entry)
    {
        if (Retried(record, entry) is { } done) return done;
        var member = Checked(Stamped(entry));
        if (record.NhsNumber is null)
            throw CareRuleException.Precondition("The client's record has no referral yet: record the referral first.");
        if (record.EverAdded<NetworkMemberAdded>(member.MemberId))
            throw AlreadyExists("A network member with this id is already on the client's record.");
        return member;
    }

    public static NetworkMemberRemoved RemoveNetworkMember(CareRecord record, NetworkMemberRemoved entry)
    {
        if (Retried(record, entry) is { } done) return done;
        var removed = Checked(Stamped(entry));
        if (!record.Network.Exists(m => m.MemberId == removed.MemberId))
            throw CareRuleException.NotFound("That person is not in the client's network.");
        return removed;
    }

    // ---- Care plan -----------------------------------------------------------------------------------------------

    public static ProblemAdded AddProblem(CareRecord record, ProblemAdded entry)
    {
        if (Retried(record, entry) is { } done) return done;
        var severity = Known(entry.Severity, "Problem severity");
        var problem = Stamped(entry) with
        {
            ProblemId = Ids.Parse(entry.ProblemId, "Problem id"),
            Problem = Known(entry.Problem, "Omaha problem"),
            Scope = Known(entry.Scope, "Problem scope"),
            Severity = severity,
            Signs = CheckedSigns(entry.Signs, severity),
        };
        RequireCaseload(record);
        if (record.ActiveProblems.Exists(p => p.Problem == problem.Problem))
            throw CareRuleException.Precondition("This problem is already active on the care plan: rate it or resolve it instead.");
        if (record.EverAdded<ProblemAdded>(problem.ProblemId))
            throw AlreadyExists("A problem with this id is already on the client's record.");
        return problem;
    }

    public static ProblemResolved ResolveProblem(CareRecord record, ProblemResolved entry)
    {
        if (Retried(record, entry) is { } done) return done;
        var resolved = Stamped(entry) with { ProblemId = Ids.Parse(entry.ProblemId, "Problem id") };
        RequireCaseload(record);
        RequireActiveProblem(record, resolved.ProblemId);
        return resolved;
    }

    public static RatingRecorded RecordRating(CareRecord record, RatingRecorded entry, DateOnly today, bool offline = false)
    {
        if (Retried(record, entry) is { } done) return done;
        var rating = Checked(Stamped(entry));
        RequireCaseload(record);
        InEpisode(rating, record.OpenEpisode, today);
        RequireProblem(record, rating.ProblemId, offline);
        return rating;
    }

    public static GoalAgreed AgreeGoal(CareRecord record, GoalAgreed entry, DateOnly today, bool offline = false)
    {
        if (Retried(record, entry) is { } done) return done;
        var goal = Checked(Stamped(entry));
        RequireCaseload(record);
        InEpisode(goal, record.OpenEpisode, today);
        RequireProblem(record, goal.ProblemId, offline);
        if (record.EverAdded<GoalAgreed>(goal.GoalId))
            throw AlreadyExists("A goal with this id is already on the client's record.");
        return goal;
    }

    public static InterventionAdded AddIntervention(CareRecord record, InterventionAdded entry)
    {
        if (Retried(record, entry) is { } done) return done;
        var minutes = entry.DurationMinutes;
        if (minutes is < MinInterventionMinutes or > MaxInterventionMinutes)
            throw CareRuleException.Invalid($"An intervention lasts {MinInterventionMinutes} to {MaxInterventionMinutes} minutes.");
        var intervention = Stamped(entry) with
        {
            InterventionId = Ids.Parse(entry.InterventionId, "Intervention id"),
            ProblemId = Ids.Parse(entry.ProblemId, "Problem id"),
            Category = Known(entry.Category, "Intervention category"),
            Target = Text.Required(entry.Target, "Intervention target"),
            Detail = Text.Optional(entry.Detail, "Intervention detail", DetailMax, multiline: true),
            CareType = Known(entry.CareType, "Care type"),
            Frequency = Checked(entry.Frequency),
            TimeWindow = Known(entry.TimeWindow, "Time window"),
            Skills = Known(entry.Skills, "Skill"),
        };
        RequireCaseload(record);
        RequireActiveProblem(record, intervention.ProblemId);
        if (record.EverAdded<InterventionAdded>(intervention.InterventionId))
            throw AlreadyExists("An intervention with this id is already on the client's record.");
        return intervention;
    }

    public static InterventionStopped StopIntervention(CareRecord record, InterventionStopped entry)
    {
        if (Retried(record, entry) is { } done) return done;
        var stopped = Stamped(entry) with { InterventionId = Ids.Parse(entry.InterventionId, "Intervention id") };
        RequireCaseload(record);
        if (!record.Interventions.Exists(i => i.InterventionId == stopped.InterventionId))
            throw CareRuleException.NotFound("The intervention is not active on the care plan.");
        return stopped;
    }

    public static ReviewScheduled ScheduleReview(CareRecord record, ReviewScheduled entry, DateOnly today)
    {
        if (Retried(record, entry) is { } done) return done;
        var review = Stamped(entry);
        if (review.DueOn < today) throw CareRuleException.Invalid("A review cannot be due before today.");
        if (review.DueOn > today.AddYears(MaxReviewYearsAhead))
            throw CareRuleException.Invalid($"A review is due at most {MaxReviewYearsAhead} years ahead.");
        RequireCaseload(record);
        return review;
    }

    public static ReablementRenewed RenewReablement(CareRecord record, ReablementRenewed entry)
    {
        if (Retried(record, entry) is { } done) return done;
        var renewed = Stamped(entry);
        RequireCaseload(record);
        if (record.ReablementEndsOn is null)
            throw CareRuleException.Precondition("There is no reablement period to renew: add a reablement intervention to start one.");
        return renewed;
    }

    // ---- Visits and notes ----------------------------------------------------------------------------------------

    /// <summary>
    /// A visit that starts no more than five minutes after <paramref name="now"/> and not before the admission (less the
    /// assessment visit's grace), doing active interventions.
    /// </summary>
    public static VisitRecorded RecordVisit(CareRecord record, VisitRecorded entry, DateTimeOffset now, bool offline = false)
    {
        if (Retried(record, entry) is { } done) return done;
        var visit = Checked(Stamped(entry), now);
        RequireCaseload(record);
        InEpisode(visit, record.OpenEpisode, CareTime.DateOf(now));
        if (offline && !visit.InterventionsDone.All(record.EverAdded<InterventionAdded>))
            throw CareRuleException.NotFound("A visit lists an intervention that is not on the client's record.");
        if (!offline && !visit.InterventionsDone.All(id => record.Interventions.Exists(i => i.InterventionId == id)))
            throw CareRuleException.NotFound("A visit lists an intervention that is not active on the care plan.");
        if (record.EverAdded<VisitRecorded>(visit.VisitId))
            throw AlreadyExists("A visit with this id is already on the client's record.");
        return visit;
    }

    /// <summary>A note written no later than <paramref name="now"/> (give or take the clock's tolerance), within the episode.</summary>
    public static NoteAdded AddNote(CareRecord record, NoteAdded entry, DateTimeOffset now)
    {
        if (Retried(record, entry) is { } done) return done;
        var note = Checked(Stamped(entry));
        RequireCaseload(record);
        Written(note, now);
        InEpisode(note, record.OpenEpisode, CareTime.DateOf(now));
        if (record.EverAdded<NoteAdded>(note.NoteId))
            throw AlreadyExists("A note with this id is already on the client's record.");
        return note;
    }

    // ---- Corrections ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Corrects a visit, note, rating, goal or network entry with a replacement of the same kind about the same thing
    /// (the same visit, note, problem, goal or person), or strikes it when the replacement is null. A correction is
    /// allowed after discharge too. The replacement is checked like a new entry of its kind (its dates within the
    /// corrected entry's episode), and takes the corrected entry's id, time and author.
    /// </summary>
    public static Correction Correct(CareRecord record, Correction entry, DateTimeOffset now, DateOnly today)
    {
        if (Retried(record, entry) is { } done) return done;
        var correction = Stamped(entry) with
        {
            CorrectsEntryId = Text.Required(entry.CorrectsEntryId, "The entry to correct", 64),
            Reason = Text.Required(entry.Reason, "The reason for the correction", ReasonMax),
        };
        var original = record.FindEntry(correction.CorrectsEntryId)
            ?? throw CareRuleException.NotFound("There is no entry with that id on the client's record.");
        if (original is not (VisitRecorded or NoteAdded or RatingRecorded or GoalAgreed or NetworkMemberAdded or NetworkMemberRemoved))
            throw CareRuleException.Precondition("Only visits, notes, ratings, goals and network members can be corrected; change the care plan with a new entry instead.");
        if (correction.Replacement is not { } replacement) return correction;
        if (replacement.GetType() != original.GetType())
            throw CareRuleException.Invalid("A correction must replace an entry with one of the same kind.");

        RecordEntry corrected = (original, replacement) switch
        {
            (VisitRecorded old, VisitRecorded fix) => AboutTheSame(CorrectedVisit(record, fix, now), v => v.VisitId == old.VisitId, "visit"),
            (NoteAdded old, NoteAdded fix) => AboutTheSame(Checked(fix), n => n.NoteId == old.NoteId, "note"),
            (RatingRecorded old, RatingRecorded fix) => AboutTheSame(Checked(fix), r => r.ProblemId == old.ProblemId, "problem"),
            (GoalAgreed old, GoalAgreed fix) => AboutTheSame(Checked(fix), g => g.GoalId == old.GoalId && g.ProblemId == old.ProblemId, "goal and problem"),
            (NetworkMemberAdded old, NetworkMemberAdded fix) => AboutTheSame(Checked(fix), m => m.MemberId == old.MemberId, "person"),
            (NetworkMemberRemoved old, NetworkMemberRemoved fix) => AboutTheSame(Checked(fix), m => m.MemberId == old.MemberId, "person"),
            _ => throw new InvalidOperationException("Unreachable: the kinds were matched above."),
        };
        InEpisode(corrected, EpisodeOf(record, original), today);
        return correction with
        {
            CorrectsEntryId = original.EntryId,
            Replacement = corrected with { EntryId = original.EntryId, At = original.At, RecordedBy = original.RecordedBy },
        };
    }

    // ---- Field checks, shared by new entries and replacements ----------------------------------------------------

    private static VisitRecorded Checked(VisitRecorded visit, DateTimeOffset now)
    {
        if (visit.DurationMinutes is < 1 or > MaxVisitMinutes)
            throw CareRuleException.Invalid($"A visit lasts 1 to {MaxVisitMinutes} minutes.");
        if (visit.DirectCareMinutes < 0 || visit.DirectCareMinutes > visit.DurationMinutes)
            throw CareRuleException.Invalid("Direct-care minutes must be between 0 and the visit's length.");
        if (visit.Start > now + FutureVisitTolerance)
            throw CareRuleException.Invalid("A visit cannot start in the future: record it once it has started.");
        return visit with
        {
            VisitId = Ids.Parse(visit.VisitId, "Visit id"),
            NurseId = Ids.Parse(visit.NurseId, "Nurse id"),
            InterventionsDone = (visit.InterventionsDone ?? []).Select(id => Ids.Parse(id, "Intervention id")).Distinct().ToImmutableList(),
            Note = Text.Optional(visit.Note, "Visit note", Text.NoteMax, multiline: true),
        };
    }

    private static VisitRecorded CorrectedVisit(CareRecord record, VisitRecorded replacement, DateTimeOffset now)
    {
        var visit = Checked(replacement, now);
        // The interventions may have stopped since the visit, so any intervention the record ever had will do.
        if (!visit.InterventionsDone.All(record.EverAdded<InterventionAdded>))
            throw CareRuleException.NotFound("A visit lists an intervention that is not on the client's record.");
        return visit;
    }

    private static NoteAdded Checked(NoteAdded note) => note with
    {
        NoteId = Ids.Parse(note.NoteId, "Note id"),
        Text = Text.Required(note.Text, "Note", Text.NoteMax, multiline: true),
    };

    private static RatingRecorded Checked(RatingRecorded rating) => rating with
    {
        ProblemId = Ids.Parse(rating.ProblemId, "Problem id"),
        Rating = Checked(rating.Rating),
        RatedOn = rating.RatedOn == default ? throw CareRuleException.Invalid("The date of the rating is required.") : rating.RatedOn,
        Rater = Ids.Parse(rating.Rater, "Rater"),
    };

    private static GoalAgreed Checked(GoalAgreed goal) => goal with
    {
        GoalId = Ids.Parse(goal.GoalId, "Goal id"),
        ProblemId = Ids.Parse(goal.ProblemId, "Problem id"),
        Description = Text.Required(goal.Description, "Goal description", GoalMax),
        AgreedBy = Known(goal.AgreedBy, "Agreed by"),
        AgreedByName = Text.Required(goal.AgreedByName, "Who agreed the goal"),
        AgreedOn = goal.AgreedOn == default ? throw CareRuleException.Invalid("The date the goal was agreed is required.") : goal.AgreedOn,
    };

    private static NetworkMemberAdded Checked(NetworkMemberAdded member) => member with
    {
        MemberId = Ids.Parse(member.MemberId, "Network member id"),
        Role = Known(member.Role, "Network role"),
        Name = Text.Required(member.Name, "Network member name"),
        Contact = Text.Optional(member.Contact, "Network member contact"),
        ContactPreference = Known(member.ContactPreference, "Contact preference"),
        Note = Text.Optional(member.Note, "Network note", Text.NoteMax, multiline: true),
    };

    private static NetworkMemberRemoved Checked(NetworkMemberRemoved removed) =>
        removed with { MemberId = Ids.Parse(removed.MemberId, "Network member id") };

    private static OutcomeRating Checked(OutcomeRating? rating)
    {
        if (rating is null) throw CareRuleException.Invalid("A rating is required.");
        if (!InScale(rating.Knowledge) || !InScale(rating.Behaviour) || !InScale(rating.Status))
            throw CareRuleException.Invalid($"Knowledge, behaviour and status are each rated {OutcomeRating.Lowest} to {OutcomeRating.Highest}.");
        return rating;

        static bool InScale(int value) => value is >= OutcomeRating.Lowest and <= OutcomeRating.Highest;
    }

    private static VisitFrequency Checked(VisitFrequency? frequency)
    {
        if (frequency is null) throw CareRuleException.Invalid("Visit frequency is required.");
        var max = Known(frequency.Period, "Frequency period") == FrequencyPeriod.Day ? VisitFrequency.MaxPerDay : VisitFrequency.MaxPerWeek;
        if (frequency.Times < 1 || frequency.Times > max)
        {
            var per = frequency.Period == FrequencyPeriod.Day ? "day" : "week";
            throw CareRuleException.Invalid($"An intervention is given 1 to {max} times a {per}.");
        }
        return frequency;
    }

    private static ImmutableList<string> CheckedSigns(ImmutableList<string>? signs, ProblemSeverity severity)
    {
        var tidy = (signs ?? []).Select(s => Text.Required(s, "A sign or symptom")).Distinct().ToImmutableList();
        if (severity == ProblemSeverity.Actual && tidy.IsEmpty)
            throw CareRuleException.Invalid("An actual problem needs at least one sign or symptom.");
        if (severity != ProblemSeverity.Actual && !tidy.IsEmpty)
            throw CareRuleException.Invalid("Signs and symptoms are recorded for actual problems only.");
        if (tidy.Count > MaxSigns)
            throw CareRuleException.Invalid($"A problem lists at most {MaxSigns} signs and symptoms.");
        return tidy;
    }

    private static Demographics Checked(Demographics? details, DateOnly today)
    {
        if (details is null) throw CareRuleException.Invalid("The client's details are required.");
        if (details.DateOfBirth > today || details.DateOfBirth.Year < 1900)
            throw CareRuleException.Invalid("Date of birth must be a past date after 1900.");
        if (details.Postcode.Value is null) throw CareRuleException.Invalid("Postcode is required.");
        return details with
        {
            GivenName = Text.Required(details.GivenName, "Given name"),
            FamilyName = Text.Required(details.FamilyName, "Family name"),
            AddressLine = Text.Required(details.AddressLine, "Address"),
            Phone = Text.Optional(details.Phone, "Phone", 40),
        };
    }

    // ---- Times ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// The time someone gave an entry (a visit's start, the day a rating was made or a goal agreed) lies within its
    /// episode: not after the discharge, and not before the admission, less <see cref="AssessmentGrace"/> for the
    /// assessment visit the admission came from (the team often records the admission after it). A rating's or
    /// goal's date is not in the future either; a visit's start is checked to the minute with the other visit fields.
    /// </summary>
    private static T InEpisode<T>(T entry, Episode? episode, DateOnly today) where T : RecordEntry
    {
        if (entry is RatingRecorded r) CareTime.NotInFuture(r.RatedOn, today, "The date of a rating");
        if (entry is GoalAgreed g) CareTime.NotInFuture(g.AgreedOn, today, "The date a goal was agreed");
        if (episode is null) return entry;
        var opens = episode.AdmittedAt - AssessmentGrace;
        var (before, after, what) = entry switch
        {
            VisitRecorded v => (v.Start < opens, v.Start > episode.DischargedAt, "The visit"),
            RatingRecorded x => (x.RatedOn < DateOf(opens), x.RatedOn > DateOf(episode.DischargedAt), "The rating"),
            GoalAgreed x => (x.AgreedOn < DateOf(opens), x.AgreedOn > DateOf(episode.DischargedAt), "The goal"),
            NoteAdded x => (x.At < opens, x.At > episode.DischargedAt, "The note"),
            _ => (false, false, ""),
        };
        if (before)
            throw CareRuleException.Precondition($"{what} is dated before the client was admitted: check its date.", OutsideEpisode);
        if (after)
            throw CareRuleException.Precondition($"{what} is dated after the client was discharged: check its date.", OutsideEpisode);
        return entry;

        static DateOnly? DateOf(DateTimeOffset? at) => at is { } moment ? CareTime.DateOf(moment) : null;
    }

    /// <summary>The episode an entry was made in: the open one, or the past one it was recorded within.</summary>
    private static Episode? EpisodeOf(CareRecord record, RecordEntry entry) =>
        record.OpenEpisode is { } open && entry.At >= open.AdmittedAt ? open
        : record.PastEpisodes.FindLast(e => e.AdmittedAt <= entry.At && entry.At <= e.DischargedAt);

    // ---- Helpers -------------------------------------------------------------------------------------------------

    private static T? Retried<T>(CareRecord record, T entry) where T : RecordEntry
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(entry);
        return record.FindEntry(entry.EntryId ?? "") switch
        {
            null => null,
            T same => same,
            _ => throw AlreadyExists("This entry id is already used by a different entry on the client's record."),
        };
    }

    private static T Stamped<T>(T entry) where T : RecordEntry => entry with
    {
        EntryId = Ids.Parse(entry.EntryId, "Entry id"),
        RecordedBy = Ids.Parse(entry.RecordedBy, "Recorded by"),
    };

    private static T AboutTheSame<T>(T replacement, Func<T, bool> isSameSubject, string what) =>
        isSameSubject(replacement) ? replacement : throw CareRuleException.Invalid($"A correction must be about the same {what} as the entry it corrects.");

    private static void RequireCaseload(CareRecord record)
    {
        if (!record.IsOnCaseload) throw CareRuleException.Precondition(NotOnCaseload, "NOT_ON_CASELOAD");
    }

    /// <summary>An entry's own time (written offline, sent later) lies no further ahead than the clock's tolerance.</summary>
    private static void Written(RecordEntry entry, DateTimeOffset now)
    {
        if (entry.At > now + CareTime.ClockTolerance)
            throw CareRuleException.Invalid("written_at cannot be in the future: check the tablet's clock.");
    }

    /// <summary>An active problem; offline, any problem the record ever had (it may have been resolved meanwhile).</summary>
    private static void RequireProblem(CareRecord record, string problemId, bool offline)
    {
        if (offline && record.EverAdded<ProblemAdded>(problemId)) return;
        RequireActiveProblem(record, problemId);
    }

    private static void RequireActiveProblem(CareRecord record, string problemId)
    {
        if (record.ActiveProblem(problemId) is null) throw CareRuleException.NotFound("The problem is not active on the care plan.");
    }

    private static T Known<T>(T value, string field) where T : struct, Enum =>
        Enum.IsDefined(value) ? value : throw CareRuleException.Invalid($"{field} is missing or not a known value.");

    private static ImmutableSortedSet<T> Known<T>(ImmutableSortedSet<T>? values, string field) where T : struct, Enum =>
        (values ?? []).Select(v => Known(v, field)).ToImmutableSortedSet();

    private static CareRuleException AlreadyExists(string message) => new(RuleViolation.AlreadyExists, message);
}
