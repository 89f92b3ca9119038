using System.Globalization;
using System.Text;
using System.Text.Json;
using Buurtzorg.Domain.Records;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Goal = Hl7.Fhir.Model.Goal;

namespace Buurtzorg.Fhir;

/// <summary>
/// A client's record as FHIR R4 resources, shaped as UK Core expects (the NHS number with its system). Resource ids
/// are the record's own opaque ids, so a resource exported twice has the same id. The export is the record's current
/// reading: a corrected entry is exported as corrected (tagged <see cref="FhirCodes.Corrected"/>, with the time of the
/// correction as <c>meta.lastUpdated</c>), a struck entry not at all.
/// </summary>
public static class FhirExport
{
    /// <summary>The identifier system of an NHS number (UK Core).</summary>
    public const string NhsNumberSystem = FhirCodes.NhsNumberSystem;

    /// <summary>The base of the bundle's full URLs when the caller names none (the REST face passes its own).</summary>
    public const string DefaultBase = "https://fhir.buurtzorg.example/fhir";

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir();

    /// <summary>The client as a <see cref="Hl7.Fhir.Model.Patient"/>, with the id of the record.</summary>
    public static Patient Patient(CareRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var patient = new Patient { Id = record.ClientId };
        if (record.NhsNumber is { } nhs) patient.Identifier.Add(new Identifier(NhsNumberSystem, nhs.Digits));
        if (record.Demographics is { } details)
        {
            patient.Name.Add(new HumanName { Use = HumanName.NameUse.Official, Family = details.FamilyName, Given = [details.GivenName] });
            patient.BirthDate = details.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            patient.Address.Add(new Address
            {
                Use = Address.AddressUse.Home,
                Type = Address.AddressType.Physical,
                Line = [details.AddressLine],
                PostalCode = details.Postcode.Value,
            });
            if (details.Phone is { } phone)
                patient.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Home, phone));
        }
        return patient;
    }

    /// <summary>Every visit in the record's history as an <see cref="Encounter"/>, oldest first, corrections applied.</summary>
    public static IReadOnlyList<Encounter> Encounters(FhirRecordSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var reading = RecordReading.Of(source.Record);
        return [.. reading.Episodes.SelectMany(e => e.VisitsOldestFirst.Select(v => (Episode: e, Visit: v)))
            .OrderBy(p => p.Visit.Entry.Start)
            .Select(p => Encounter(source, p.Episode, p.Visit))];
    }

    /// <summary>The whole record as one <see cref="Bundle"/> of type collection.</summary>
    public static Bundle Everything(FhirRecordSource source) => Everything(source, DefaultBase);

    /// <summary>
    /// The whole record as one <see cref="Bundle"/> of type collection, each entry's full URL under
    /// <paramref name="fullUrlBase"/> (the server's FHIR base), so the resources' references resolve inside the bundle.
    /// </summary>
    public static Bundle Everything(FhirRecordSource source, string fullUrlBase)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(fullUrlBase);
        var record = source.Record;
        var reading = RecordReading.Of(record);
        var resources = new List<Resource> { Patient(record) };
        resources.AddRange(Teams(source, reading));
        resources.AddRange(Practitioners(source));
        resources.AddRange(Network(record, reading));
        foreach (var episode in reading.Episodes) resources.AddRange(Episode(source, episode));

        var bundle = new Bundle { Id = $"{record.ClientId}-everything", Type = Bundle.BundleType.Collection, Timestamp = DateTimeOffset.UtcNow };
        var root = fullUrlBase.TrimEnd('/');
        foreach (var resource in resources)
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"{root}/{resource.TypeName}/{resource.Id}", Resource = resource });
        return bundle;
    }

    /// <summary>A resource as FHIR JSON (compact).</summary>
    public static string ToJson(Resource resource) => JsonSerializer.Serialize(resource, resource?.GetType() ?? typeof(Resource), Json);

    /// <summary>FHIR JSON parsed back into a resource of type <typeparamref name="T"/> by the SDK.</summary>
    public static T FromJson<T>(string json) where T : Resource =>
        JsonSerializer.Deserialize<T>(json, Json) ?? throw new FormatException("The FHIR JSON held no resource.");

    private static IEnumerable<Resource> Teams(FhirRecordSource source, RecordReading reading) => reading.Episodes
        .Select(e => e.Opened.TeamId)
        .Distinct(StringComparer.Ordinal)
        .Select(id => new Organization
        {
            Id = id,
            Active = true,
            // org-1: a name or an identifier; the name is unknown to a caller who may not read the team.
            Identifier = [new Identifier(FhirCodes.TeamIdSystem, id)],
            Name = source.Teams.TryGetValue(id, out var team) ? team.Name : null,
            Type = [new CodeableConcept { Text = "Neighbourhood nursing team" }],
        });

    private static IEnumerable<Resource> Practitioners(FhirRecordSource source) => source.Practitioners.Values
        .OrderBy(p => p.NurseId, StringComparer.Ordinal)
        .Select(p =>
        {
            var practitioner = new Practitioner { Id = p.NurseId, Active = true, Name = [new HumanName { Text = p.DisplayName }] };
            if (p.NmcPin is { } pin) practitioner.Identifier.Add(new Identifier(FhirCodes.NmcPinSystem, pin));
            return practitioner;
        });

    /// <summary>The informal network as <see cref="RelatedPerson"/>s; professionals as Practitioners, services as Organizations.</summary>
    private static IEnumerable<Resource> Network(CareRecord record, RecordReading reading)
    {
        foreach (var (member, correction) in reading.Network)
        {
            var kind = NetworkCatalogue.KindOf(member.Role);
            var telecom = member.Contact is { } contact ? new List<ContactPoint> { Contact(member.ContactPreference, contact) } : [];
            DomainResource resource = kind == NetworkKind.Informal
                ? new RelatedPerson
                {
                    Active = true,
                    Patient = Ref("Patient", record.ClientId),
                    Relationship = [FhirCodes.NetworkRoleConcept(member.Role)],
                    Name = [new HumanName { Text = member.Name }],
                    Telecom = telecom,
                }
                : member.Role is NetworkRole.Pharmacy or NetworkRole.Hospital
                    ? new Organization { Active = true, Name = member.Name, Type = [FhirCodes.NetworkRoleConcept(member.Role)], Telecom = telecom }
                    : new Practitioner
                    {
                        Active = true,
                        Name = [new HumanName { Text = member.Name }],
                        Telecom = telecom,
                        Qualification = [new Practitioner.QualificationComponent { Code = FhirCodes.NetworkRoleConcept(member.Role) }],
                    };
            resource.Id = member.MemberId;
            Mark(resource, correction);
            yield return resource;
        }
    }

    private static ContactPoint Contact(ContactPreference preference, string value) => new()
    {
        System = preference switch
        {
            ContactPreference.Email => ContactPoint.ContactPointSystem.Email,
            ContactPreference.Phone => ContactPoint.ContactPointSystem.Phone,
            _ => ContactPoint.ContactPointSystem.Other,
        },
        Value = value,
        Rank = 1,
    };

    private static IEnumerable<Resource> Episode(FhirRecordSource source, EpisodeReading episode)
    {
        var record = source.Record;
        var opened = episode.Opened;
        var patient = Ref("Patient", record.ClientId);
        var team = Ref("Organization", opened.TeamId);
        var period = new Period(new FhirDateTime(opened.At), episode.Closed is { } closed ? new FhirDateTime(closed.At) : null);
        var careTeam = episode.IsOpen && source.Assignment is not null ? CareTeam(source, episode, period) : null;

        var care = new EpisodeOfCare
        {
            Id = opened.EpisodeId,
            Status = episode.IsOpen ? EpisodeOfCare.EpisodeOfCareStatus.Active : EpisodeOfCare.EpisodeOfCareStatus.Finished,
            Type = [new CodeableConcept { Text = "Neighbourhood nursing" }],
            Patient = patient,
            ManagingOrganization = team,
            Period = period,
            Diagnosis = [.. episode.Problems.Select((p, i) => new EpisodeOfCare.DiagnosisComponent
            {
                Condition = Ref("Condition", p.Added.Entry.ProblemId),
                Rank = i + 1,
            })],
        };
        if (careTeam is not null) care.Team.Add(Ref("CareTeam", careTeam.Id));
        yield return care;
        if (careTeam is not null) yield return careTeam;

        foreach (var problem in episode.Problems) yield return Condition(source, episode, problem);
        foreach (var goal in episode.Goals) yield return Goal(source, episode, goal);
        yield return CarePlan(source, episode, period, careTeam);
        foreach (var problem in episode.Problems)
        {
            foreach (var rating in problem.Ratings) yield return Rating(source, rating.Entry.EntryId, problem, rating.Entry.Rating,
                new FhirDateTime(rating.Entry.RatedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), rating.Entry.Rater, rating.Correction);
            if (problem.FinalRating is { } final && episode.Closed is { } discharge)
                yield return Rating(source, Compose(discharge.EntryId, problem.Added.Entry.ProblemId), problem, final,
                    new FhirDateTime(discharge.At), discharge.RecordedBy, null);
        }
        foreach (var visit in episode.VisitsOldestFirst)
        {
            yield return Encounter(source, episode, visit);
            if (visit.Entry.Note is { } note)
                yield return Document(source, Compose(visit.Entry.VisitId, "note"), "Visit note", note, visit.Entry.At,
                    visit.Entry.NurseId, Ref("Encounter", visit.Entry.VisitId), visit.Correction);
        }
        foreach (var note in episode.Notes)
            yield return Document(source, note.Entry.NoteId, "Nursing note", note.Entry.Text, note.Entry.At, note.Entry.RecordedBy,
                Ref("EpisodeOfCare", opened.EpisodeId), note.Correction);
        if (episode.Closed is { } end)
        {
            var reason = $"Discharge: {FhirCodes.DischargeReasonName(end.Reason)}";
            yield return Document(source, Compose(end.EpisodeId, "discharge"), "Discharge summary", end.Summary ?? reason, end.At,
                end.RecordedBy, Ref("EpisodeOfCare", opened.EpisodeId), null, reason);
        }
    }

    private static CareTeam CareTeam(FhirRecordSource source, EpisodeReading episode, Period period)
    {
        var assignment = source.Assignment!;
        var team = new CareTeam
        {
            Id = Compose(episode.Opened.EpisodeId, "team"),
            Status = Hl7.Fhir.Model.CareTeam.CareTeamStatus.Active,
            Name = "Named nurse and backup",
            Subject = Ref("Patient", source.Record.ClientId),
            Period = period,
            ManagingOrganization = [Ref("Organization", episode.Opened.TeamId)],
        };
        team.Participant.Add(Participant(assignment.NamedNurseId, "Named nurse"));
        if (assignment.BackupNurseId is { } backup) team.Participant.Add(Participant(backup, "Backup nurse"));
        return team;
    }

    // The team is the care team's managing organization; onBehalfOf would need the member resolved to validate (ctm-1).
    private static CareTeam.ParticipantComponent Participant(string nurseId, string role) => new()
    {
        Role = [new CodeableConcept { Text = role }],
        Member = Ref("Practitioner", nurseId),
    };

    private static Condition Condition(FhirRecordSource source, EpisodeReading episode, ProblemReading problem)
    {
        var added = problem.Added.Entry;
        var resolved = problem.ResolvedAt ?? episode.Closed?.At;
        var condition = new Condition
        {
            Id = added.ProblemId,
            ClinicalStatus = new CodeableConcept(FhirCodes.ConditionClinical, resolved is null ? "active" : "resolved"),
            Category =
            [
                new CodeableConcept(FhirCodes.ConditionCategory, "problem-list-item", "Problem List Item", "Omaha System problem"),
                FhirCodes.Modifiers(added.Scope, added.Severity),
            ],
            Code = FhirCodes.Problem(added.Problem),
            Subject = Ref("Patient", source.Record.ClientId),
            Onset = new FhirDateTime(added.At),
            Abatement = resolved is { } at ? new FhirDateTime(at) : null,
            RecordedDate = new FhirDateTime(added.At).Value,
            Recorder = Practitioner(source, added.RecordedBy),
            Evidence = [.. added.Signs.Select(s => new Condition.EvidenceComponent { Code = [new CodeableConcept { Text = s }] })],
        };
        Mark(condition, problem.Added.Correction);
        return condition;
    }

    private static Goal Goal(FhirRecordSource source, EpisodeReading episode, Read<GoalAgreed> read)
    {
        var agreed = read.Entry;
        var goal = new Goal
        {
            Id = agreed.GoalId,
            LifecycleStatus = episode.IsOpen ? Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Active : Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Completed,
            Description = new CodeableConcept { Text = agreed.Description },
            Subject = Ref("Patient", source.Record.ClientId),
            Start = new Date(agreed.AgreedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            Addresses = [Ref("Condition", agreed.ProblemId)],
            ExpressedBy = agreed.AgreedBy == AgreedBy.Client ? Ref("Patient", source.Record.ClientId) : null,
            Note = [new Annotation { Text = new Markdown(AgreedWith(agreed)) }],
        };
        Mark(goal, read.Correction);
        return goal;
    }

    /// <summary>The note that says who agreed a goal (the client, or a representative by name).</summary>
    public static string AgreedWith(GoalAgreed agreed)
    {
        ArgumentNullException.ThrowIfNull(agreed);
        return agreed.AgreedBy == AgreedBy.Client
            ? $"Agreed with the client ({agreed.AgreedByName})."
            : $"Agreed with the client's representative ({agreed.AgreedByName}).";
    }

    private static CarePlan CarePlan(FhirRecordSource source, EpisodeReading episode, Period period, CareTeam? careTeam)
    {
        var plan = new CarePlan
        {
            Id = Compose(episode.Opened.EpisodeId, "plan"),
            Status = episode.IsOpen ? RequestStatus.Active : RequestStatus.Completed,
            Intent = Hl7.Fhir.Model.CarePlan.CarePlanIntent.Plan,
            Title = "Care plan (Omaha System)",
            Subject = Ref("Patient", source.Record.ClientId),
            Period = period,
            Addresses = [.. episode.Problems.Select(p => Ref("Condition", p.Added.Entry.ProblemId))],
            Goal = [.. episode.Goals.Select(g => Ref("Goal", g.Entry.GoalId))],
        };
        if (careTeam is not null) plan.CareTeam.Add(Ref("CareTeam", careTeam.Id));
        foreach (var intervention in episode.Interventions)
        {
            var added = intervention.Added.Entry;
            var repeat = new Timing.RepeatComponent
            {
                Frequency = added.Frequency.Times,
                Period = 1,
                PeriodUnit = added.Frequency.Period == FrequencyPeriod.Day ? Timing.UnitsOfTime.D : Timing.UnitsOfTime.Wk,
                Duration = added.DurationMinutes,
                DurationUnit = Timing.UnitsOfTime.Min,
            };
            if (When(added.TimeWindow) is { } when) repeat.When = [when];
            plan.Activity.Add(new CarePlan.ActivityComponent
            {
                OutcomeReference = [.. intervention.VisitIds.Select(v => Ref("Encounter", v))],
                Detail = new CarePlan.DetailComponent
                {
                    Code = FhirCodes.Intervention(added.Category, added.Target),
                    Status = intervention.Stopped switch
                    {
                        null => Hl7.Fhir.Model.CarePlan.CarePlanActivityStatus.InProgress,
                        true => Hl7.Fhir.Model.CarePlan.CarePlanActivityStatus.Stopped,
                        false => Hl7.Fhir.Model.CarePlan.CarePlanActivityStatus.Completed,
                    },
                    ReasonReference = [Ref("Condition", added.ProblemId)],
                    Goal = [.. episode.Goals.Where(g => g.Entry.ProblemId == added.ProblemId).Select(g => Ref("Goal", g.Entry.GoalId))],
                    Scheduled = new Timing { Repeat = repeat },
                    Description = Describe(added),
                },
            });
        }
        return plan;
    }

    private static string Describe(InterventionAdded added)
    {
        var care = $"{added.CareType} care, {added.TimeWindow} window, {added.DurationMinutes} minutes";
        return added.Detail is { } detail ? $"{detail} ({care})" : care;
    }

    private static Timing.EventTiming? When(TimeWindow window) => window switch
    {
        TimeWindow.Morning => Timing.EventTiming.MORN,
        TimeWindow.Midday => Timing.EventTiming.NOON,
        TimeWindow.Afternoon => Timing.EventTiming.AFT,
        TimeWindow.Evening => Timing.EventTiming.EVE,
        _ => null,
    };

    private static Observation Rating(FhirRecordSource source, string id, ProblemReading problem, OutcomeRating rating, FhirDateTime effective,
        string rater, Correction? correction)
    {
        var observation = new Observation
        {
            Id = id,
            Status = ObservationStatus.Final,
            Category = [new CodeableConcept(FhirCodes.ObservationCategory, "survey", "Survey")],
            Code = new CodeableConcept(FhirCodes.OmahaRatingSystem, "problem-rating", "Problem Rating Scale for Outcomes",
                $"Omaha System Problem Rating Scale for Outcomes: {OmahaCatalogue.DisplayName(problem.Added.Entry.Problem)}"),
            Subject = Ref("Patient", source.Record.ClientId),
            Focus = [Ref("Condition", problem.Added.Entry.ProblemId)],
            Effective = effective,
            Component =
            [
                Scale(FhirCodes.Knowledge, "Knowledge", rating.Knowledge),
                Scale(FhirCodes.Behaviour, "Behavior", rating.Behaviour),
                Scale(FhirCodes.Status, "Status", rating.Status),
            ],
        };
        if (Practitioner(source, rater) is { } performer) observation.Performer.Add(performer);
        Mark(observation, correction);
        return observation;
    }

    private static Observation.ComponentComponent Scale(string code, string name, int value) => new()
    {
        Code = new CodeableConcept(FhirCodes.OmahaRatingSystem, code, name, name),
        Value = new Integer(value),
    };

    private static Encounter Encounter(FhirRecordSource source, EpisodeReading episode, Read<VisitRecorded> read)
    {
        var visit = read.Entry;
        var encounter = new Encounter
        {
            Id = visit.VisitId,
            Status = Hl7.Fhir.Model.Encounter.EncounterStatus.Finished,
            Class = new Coding(FhirCodes.ActCode, "HH", "home health"),
            Type = [new CodeableConcept { Text = visit.OutOfHours ? "Out-of-hours visit" : "Home visit" }],
            Subject = Ref("Patient", source.Record.ClientId),
            EpisodeOfCare = [Ref("EpisodeOfCare", episode.Opened.EpisodeId)],
            Period = new Period(new FhirDateTime(visit.Start), new FhirDateTime(visit.Start.AddMinutes(visit.DurationMinutes))),
            // The period is the whole visit; length is the time of direct care within it (see docs/INTEROPERABILITY.md).
            Length = new Duration { Value = visit.DirectCareMinutes, Unit = "min", System = FhirCodes.Ucum, Code = "min" },
            ServiceProvider = visit.OutOfHours ? null : Ref("Organization", episode.Opened.TeamId),
        };
        if (Practitioner(source, visit.NurseId) is { } nurse)
            encounter.Participant.Add(new Encounter.ParticipantComponent { Individual = nurse });
        Mark(encounter, read.Correction);
        return encounter;
    }

    private static DocumentReference Document(FhirRecordSource source, string id, string type, string text, DateTimeOffset at,
        string author, ResourceReference context, Correction? correction, string? description = null)
    {
        var document = new DocumentReference
        {
            Id = id,
            Status = DocumentReferenceStatus.Current,
            Type = new CodeableConcept { Text = type },
            Subject = Ref("Patient", source.Record.ClientId),
            Date = at,
            Description = description,
            Context = new DocumentReference.ContextComponent { Encounter = [context] },
            Content =
            [
                new DocumentReference.ContentComponent
                {
                    Attachment = new Attachment { ContentType = "text/plain; charset=utf-8", Data = Encoding.UTF8.GetBytes(text), Title = type },
                },
            ],
        };
        if (Practitioner(source, author) is { } by) document.Author.Add(by);
        Mark(document, correction);
        return document;
    }

    /// <summary>A reference to a nurse the export names (a system step names none).</summary>
    private static ResourceReference? Practitioner(FhirRecordSource source, string nurseId) =>
        source.Practitioners.ContainsKey(nurseId) ? Ref("Practitioner", nurseId) : null;

    private static void Mark(Resource resource, Correction? correction)
    {
        if (correction is null) return;
        resource.Meta = new Meta
        {
            LastUpdated = correction.At,
            Tag = [new Coding(FhirCodes.RecordStatusSystem, FhirCodes.Corrected, "Corrected in the record")],
        };
    }

    private static ResourceReference Ref(string type, string? id) => new($"{type}/{id ?? throw new ArgumentNullException(nameof(id))}");

    /// <summary>An id made of two (a FHIR id is at most 64 characters: a longer one is hashed).</summary>
    private static string Compose(string id, string suffix)
    {
        var joined = $"{id}-{suffix}";
        if (joined.Length <= 64) return joined;
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(joined));
        return $"x-{Convert.ToHexStringLower(hash.AsSpan(0, 16))}-{suffix}"; // suffixes are short words
    }
}
