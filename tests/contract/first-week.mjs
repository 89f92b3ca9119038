// A team's first week, driven through the gRPC contract alone: this client knows the protos and nothing of the server.
// Usage: node first-week.mjs http://127.0.0.1:PORT --key <base64 HS256 secret> --kid <key id> [--issuer buurtzorg]
//        [--audience buurtzorg-api]   (plaintext HTTP/2; the script mints its own bearer tokens, as an identity provider
//        would, so it proves the token contract too: HS256 JWT with sub, role and team claims)
// Prints one line per step; exits 0 only when every step held. Request ids, NHS numbers and PINs are fresh each run,
// so it can run again against a server that has already run it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
    connect, describe, HOUR_SECONDS, loadV1, nhsNumbers, nmcPin, present, reasonOf, refused, step, StepFailed, target,
} from './plumbing.mjs';

const v1 = loadV1(['team_service', 'nurse_service', 'referral_service', 'care_record_service']);

// Who a team would make each call as: the central office applies, approves and registers; a current member of the
// team the request names (or of this week's team) does the rest: the server checks membership, so the team's first
// nurse joins it herself and then acts for the team.
const officeCalls = new Set(['ApplyTeam', 'ApproveTeam', 'CloseTeam', 'RegisterNurse']);
let weekTeam;
let actingNurse;
function callerFor(name, request) {
    if (officeCalls.has(name)) return { subject: 'office-node', role: 'central_office' };
    const subject = name === 'JoinTeam' && !actingNurse ? request.nurse_id : (actingNurse ?? 'nurse-node');
    return { subject, role: 'nurse', team: request.team_id || weekTeam };
}

const near = (actual, expected, what) => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
const isoDate = /^\d{4}-\d{2}-\d{2}$/;

// ---- test data -----------------------------------------------------------------------------------------------------

const givenNames = ['Ada', 'Bert', 'Cora', 'Dev', 'Edith', 'Frank', 'Gita', 'Harold', 'Ivy', 'Jomo', 'Kath', 'Len'];
const familyNames = ['Archer', 'Bloom', 'Cole', 'Dunn', 'Ellis', 'Frost', 'Gale', 'Hart'];
const everyoneCanCover = ['SKILL_WOUND_CARE', 'SKILL_DIABETES_CARE', 'SKILL_PERSONAL_CARE'];

// ---- the week ------------------------------------------------------------------------------------------------------

async function firstWeek(address) {
    const teams = connect(v1.TeamService, address, callerFor);
    const nurses = connect(v1.NurseService, address, callerFor);
    const referrals = connect(v1.ReferralService, address, callerFor);
    const records = connect(v1.CareRecordService, address, callerFor);
    const run = randomUUID().slice(0, 8);

    let teamId;
    const members = [];
    const referred = [];
    let caseload = [];
    const visited = [];
    const backupVisited = [];
    const cared = {};

    try {
        await step('a team applies and is approved; a retried application finds the same team', async () => {
            const application = {
                request_id: randomUUID(),
                name: `Bow East ${run}`,
                footprint: ['E3 2', 'E3 3'],
                gp_practices: ['Bow Health Centre'],
            };
            const applied = (await teams.ApplyTeam(application)).team;
            assert.ok(applied.team_id, 'ApplyTeam returned no team_id');
            assert.equal(applied.status, 'TEAM_STATUS_APPLIED');
            teamId = applied.team_id;
            weekTeam = teamId;

            const retried = (await teams.ApplyTeam(application)).team;
            assert.equal(retried.team_id, teamId, 'a retried ApplyTeam found another team');

            const approved = (await teams.ApproveTeam({ request_id: randomUUID(), team_id: teamId })).team;
            assert.equal(approved.status, 'TEAM_STATUS_ACTIVE');
            assert.deepEqual(approved.footprint, ['E3 2', 'E3 3']);
            return `team ${teamId}`;
        });

        await step('six registered nurses and two nursing assistants join; capacity is 43', async () => {
            const people = [
                ...Array.from({ length: 6 }, (_, i) => ({
                    display_name: `RN ${i + 1} ${run}`,
                    role: 'NURSE_ROLE_REGISTERED_NURSE',
                    nmc_pin: nmcPin(),
                    contracted_hours_per_week: 37.5,
                })),
                ...Array.from({ length: 2 }, (_, i) => ({
                    display_name: `NA ${i + 1} ${run}`,
                    role: 'NURSE_ROLE_NURSING_ASSISTANT',
                    nmc_pin: '',
                    contracted_hours_per_week: 22.5,
                })),
            ];
            let team;
            for (const person of people) {
                const registration = { request_id: randomUUID(), skills: everyoneCanCover, ...person };
                const { nurse } = await nurses.RegisterNurse(registration);
                assert.ok(nurse.nurse_id, 'RegisterNurse returned no nurse_id');
                assert.equal(nurse.role, person.role);
                assert.equal(nurse.team_id, '', 'a newly registered nurse already belongs to a team');
                team = (await teams.JoinTeam({ request_id: randomUUID(), team_id: teamId, nurse_id: nurse.nurse_id })).team;
                members.push(nurse.nurse_id);
                actingNurse ??= nurse.nurse_id;
            }
            assert.deepEqual(team.members.map((m) => m.nurse_id).sort(), [...members].sort());

            team = (await teams.GetTeam({ team_id: teamId })).team;
            near(team.full_time_equivalents, 7.2, 'full_time_equivalents');
            assert.equal(team.capacity, 43);
            assert.equal(team.caseload_count, 0);
            return `FTE ${team.full_time_equivalents}, capacity ${team.capacity}`;
        });

        await step('48 GP referrals; the first 43 are admitted, the last 5 refused AT_CAPACITY', async () => {
            const numbers = nhsNumbers(48);
            for (const [i, nhs] of numbers.entries()) {
                // Every third number written with spaces, as the contract allows.
                const nhsNumber = i % 3 === 0 ? `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}` : nhs;
                const inSector2 = i % 2 === 0;
                const referral = (
                    await referrals.Refer({
                        request_id: randomUUID(),
                        team_id: teamId,
                        source: 'REFERRAL_SOURCE_GENERAL_PRACTITIONER',
                        nhs_number: nhsNumber,
                        client: {
                            given_name: givenNames[i % givenNames.length],
                            family_name: familyNames[i % familyNames.length],
                            date_of_birth: '1940-05-17',
                            address_line: `${i + 1} Roman Road`,
                            postcode: inSector2 ? 'E3 2AB' : 'E3 3PN',
                            phone: '',
                        },
                        needs: ['SKILL_WOUND_CARE'],
                    })
                ).referral;
                assert.ok(referral.referral_id && referral.client_id, 'Refer returned no referral_id or client_id');
                assert.equal(referral.status, 'REFERRAL_STATUS_WAITING');
                assert.equal(referral.postcode_sector, inSector2 ? 'E3 2' : 'E3 3');
                referred.push(referral);
            }

            const admitted = [];
            for (const referral of referred.slice(0, 43)) {
                const request = { request_id: randomUUID(), team_id: teamId, referral_id: referral.referral_id };
                const { entry } = await referrals.Admit(request);
                assert.equal(entry.client_id, referral.client_id);
                assert.ok(entry.named_nurse_id && entry.backup_nurse_id, `client ${entry.client_id}: no named nurse or backup`);
                assert.notEqual(entry.named_nurse_id, entry.backup_nurse_id);
                admitted.push(entry.client_id);
            }
            for (const referral of referred.slice(43)) {
                const error = await refused(
                    referrals.Admit({ request_id: randomUUID(), team_id: teamId, referral_id: referral.referral_id }),
                    grpc.status.FAILED_PRECONDITION,
                    `Admit of referral ${referral.referral_id} beyond capacity`,
                );
                assert.equal(reasonOf(error), 'AT_CAPACITY', `buurtzorg-reason of a refusal at capacity ("${error.details}")`);
            }

            const loaded = await teams.GetCaseload({ team_id: teamId });
            caseload = loaded.entries;
            assert.equal(caseload.length, 43);
            assert.equal(loaded.capacity, 43);
            assert.deepEqual(caseload.map((e) => e.client_id).sort(), [...admitted].sort());
            for (const entry of caseload) {
                assert.ok(members.includes(entry.named_nurse_id), `client ${entry.client_id}: named nurse is not a member`);
                assert.ok(members.includes(entry.backup_nurse_id), `client ${entry.client_id}: backup nurse is not a member`);
                assert.notEqual(entry.named_nurse_id, entry.backup_nurse_id, `client ${entry.client_id}: named nurse is their own backup`);
            }
            // A refusal changes nothing: the five are still waiting.
            const waiting = (await referrals.ListReferrals({ team_id: teamId, status: 'REFERRAL_STATUS_WAITING' })).referrals;
            assert.deepEqual(waiting.map((r) => r.referral_id).sort(), referred.slice(43).map((r) => r.referral_id).sort());

            const named = Object.fromEntries(members.map((id) => [id, caseload.filter((e) => e.named_nurse_id === id).length]));
            return `named caseloads ${Object.values(named).join('/')}`;
        });

        await step('a bad request changes nothing and its message holds no patient data', async () => {
            const badNhs = '9434765918';
            const invalid = await refused(
                referrals.Refer({
                    request_id: randomUUID(),
                    team_id: teamId,
                    source: 'REFERRAL_SOURCE_GENERAL_PRACTITIONER',
                    nhs_number: badNhs,
                    client: {
                        given_name: 'Nora',
                        family_name: 'Quill',
                        date_of_birth: '1940-05-17',
                        address_line: '1 Roman Road',
                        postcode: 'E3 2AB',
                    },
                    needs: ['SKILL_WOUND_CARE'],
                }),
                grpc.status.INVALID_ARGUMENT,
                'Refer with a bad NHS check digit',
            );
            assert.ok(!invalid.details.replace(/\s/g, '').includes(badNhs), `the message echoes the NHS number: "${invalid.details}"`);

            const unknownTeam = await refused(
                referrals.Admit({ request_id: randomUUID(), team_id: randomUUID(), referral_id: referred[43].referral_id }),
                grpc.status.NOT_FOUND,
                'Admit for an unknown team',
            );

            const all = (await referrals.ListReferrals({ team_id: teamId, status: 'REFERRAL_STATUS_UNSPECIFIED' })).referrals;
            assert.equal(all.length, 48, 'the refused referral was recorded');
            assert.equal((await teams.GetCaseload({ team_id: teamId })).entries.length, 43);
            return `"${invalid.details}" / "${unknownTeam.details}"`;
        });

        await step('a care plan: a skin problem rated twice, a goal and an intervention', async () => {
            const client = caseload[0];
            const by = client.named_nurse_id;
            const common = { client_id: client.client_id, recorded_by: by };

            const problem = (
                await records.AddProblem({
                    request_id: randomUUID(),
                    ...common,
                    problem: 'OMAHA_PROBLEM_SKIN',
                    scope: 'PROBLEM_SCOPE_INDIVIDUAL',
                    severity: 'PROBLEM_SEVERITY_ACTUAL',
                    signs_and_symptoms: ['lesion'],
                })
            ).problem;
            assert.ok(problem.problem_id, 'AddProblem returned no problem_id');
            assert.equal(problem.problem, 'OMAHA_PROBLEM_SKIN');
            assert.equal(problem.domain, 'OMAHA_DOMAIN_PHYSIOLOGICAL');

            const admission = { knowledge: 2, behaviour: 3, status: 2 };
            const rate = (rating) => records.RateProblem({ request_id: randomUUID(), ...common, problem_id: problem.problem_id, rating });
            const firstRated = await rate(admission);
            assert.ok(firstRated.entry_id, 'RateProblem returned no entry_id');
            assert.deepEqual(firstRated.problem.first_rating?.rating, admission);

            const goal = (
                await records.AgreeGoal({
                    request_id: randomUUID(),
                    ...common,
                    problem_id: problem.problem_id,
                    description: 'The wound on the left shin has healed',
                    agreed_by: 'AGREED_BY_CLIENT',
                    agreed_by_name: `${givenNames[0]} ${familyNames[0]}`,
                })
            ).goal;
            assert.ok(goal.goal_id, 'AgreeGoal returned no goal_id');
            assert.match(goal.agreed_on, isoDate, 'agreed_on defaults to today');

            const { intervention } = await records.AddIntervention({
                request_id: randomUUID(),
                ...common,
                problem_id: problem.problem_id,
                category: 'INTERVENTION_CATEGORY_TREATMENTS_PROCEDURES',
                target: 'wound care',
                detail: 'clean and dress',
                care_type: 'CARE_TYPE_NURSING',
                frequency: { times: 1, period: 'FREQUENCY_PERIOD_DAY' },
                time_window: 'TIME_WINDOW_MORNING',
                duration_minutes: 30,
                skills: ['SKILL_WOUND_CARE'],
            });
            assert.ok(intervention.intervention_id, 'AddIntervention returned no intervention_id');

            const review = { knowledge: 3, behaviour: 4, status: 3 };
            await rate(review);

            const { record } = await records.GetRecord({ client_id: client.client_id });
            assert.equal(record.team_id, teamId);
            const recorded = record.problems.find((p) => p.problem_id === problem.problem_id);
            assert.ok(recorded, 'GetRecord does not show the problem');
            assert.deepEqual(recorded.signs_and_symptoms, ['lesion']);
            assert.deepEqual(recorded.first_rating?.rating, admission, 'first rating');
            assert.deepEqual(recorded.latest_rating?.rating, review, 'latest rating');
            assert.match(recorded.latest_rating.rated_on, isoDate, 'rated_on defaults to today');
            const agreed = record.goals.find((g) => g.goal_id === goal.goal_id);
            assert.ok(agreed, 'GetRecord does not show the goal');
            assert.equal(agreed.problem_id, problem.problem_id);
            const planned = record.interventions.find((x) => x.intervention_id === intervention.intervention_id);
            assert.ok(planned, 'GetRecord does not show the intervention');
            assert.deepEqual(planned.frequency, { times: 1, period: 'FREQUENCY_PERIOD_DAY' });
            assert.equal(planned.time_window, 'TIME_WINDOW_MORNING');
            return `problem ${problem.problem_id}`;
        });

        await step('visits: three by the named nurse for ten clients, one more by the backup for two; a retry adds nothing', async () => {
            const now = Math.floor(Date.now() / 1000);
            const visit = (client, nurseId, hoursAgo, requestId = randomUUID()) =>
                records.RecordVisit({
                    request_id: requestId,
                    client_id: client.client_id,
                    nurse_id: nurseId,
                    start: { seconds: String(now - hoursAgo * HOUR_SECONDS), nanos: 0 },
                    duration_minutes: 30,
                    direct_care_minutes: 25,
                    interventions_done: [],
                    note: 'routine visit',
                    out_of_hours: false,
                });

            visited.push(...caseload.slice(0, 10));
            backupVisited.push(...visited.slice(0, 2));
            for (const client of visited) {
                // Within a day before the admission (the assessment visits): the server refuses visits dated earlier.
                for (const hoursAgo of [6, 4, 3]) {
                    const { visit: made } = await visit(client, client.named_nurse_id, hoursAgo);
                    assert.ok(made.visit_id, 'RecordVisit returned no visit_id');
                    assert.equal(made.nurse_id, client.named_nurse_id);
                }
            }
            const retriedRequest = randomUUID();
            const first = (await visit(backupVisited[0], backupVisited[0].backup_nurse_id, 2, retriedRequest)).visit;
            const again = (await visit(backupVisited[0], backupVisited[0].backup_nurse_id, 2, retriedRequest)).visit;
            assert.equal(again.visit_id, first.visit_id, 'a retried RecordVisit made another visit');
            await visit(backupVisited[1], backupVisited[1].backup_nurse_id, 2);

            for (const client of visited) {
                const { record } = await records.GetRecord({ client_id: client.client_id });
                const expected = backupVisited.includes(client) ? 4 : 3;
                assert.equal(record.visits.length, expected, `client ${client.client_id}: visits on the record`);
                const starts = record.visits.map((v) => Number(v.start.seconds));
                assert.deepEqual(starts, [...starts].sort((a, b) => b - a), 'visits are listed newest first');
                near(record.direct_care_share, 25 / 30, `client ${client.client_id}: direct_care_share`);
                cared[client.client_id] = record;
            }
            return `${visited.length} clients, ${visited.length * 3 + backupVisited.length} visits`;
        });

        await step('continuity: UPC and COC per client and the team median', async () => {
            const continuity = await teams.GetContinuity({ team_id: teamId });
            assert.ok(present(continuity.median_upc), 'median_upc is absent');
            assert.ok(continuity.median_upc >= 0.75, `median_upc ${continuity.median_upc} is below 0.75`);
            for (const client of visited) {
                const measured = continuity.clients.find((c) => c.client_id === client.client_id);
                assert.ok(measured, `GetContinuity does not list client ${client.client_id}`);
                assert.equal(measured.named_nurse_id, client.named_nurse_id);
                const withBackup = backupVisited.includes(client);
                assert.equal(measured.visits, withBackup ? 4 : 3, `client ${client.client_id}: visits`);
                const indices = [measured.upc, measured.coc, measured.named_nurse_share];
                assert.ok(indices.every(present), `client ${client.client_id}: indices absent: ${JSON.stringify(measured)}`);
                near(measured.upc, withBackup ? 0.75 : 1, `client ${client.client_id}: upc`);
                near(measured.coc, withBackup ? 0.5 : 1, `client ${client.client_id}: coc`);
                near(measured.named_nurse_share, withBackup ? 0.75 : 1, `client ${client.client_id}: named_nurse_share`);
                const onRecord = cared[client.client_id].continuity;
                near(onRecord.upc, measured.upc, `client ${client.client_id}: the record's upc`);
                near(onRecord.coc, measured.coc, `client ${client.client_id}: the record's coc`);
            }
            // Every client on the caseload is listed; without visits the indices are absent, not zero.
            assert.deepEqual(continuity.clients.map((c) => c.client_id).sort(), caseload.map((e) => e.client_id).sort());
            for (const unvisited of continuity.clients.filter((c) => !visited.some((v) => v.client_id === c.client_id))) {
                assert.equal(unvisited.visits, 0);
                const indices = [unvisited.upc, unvisited.coc, unvisited.named_nurse_share];
                assert.ok(!indices.some(present), `indices without visits: ${JSON.stringify(unvisited)}`);
            }
            return `median UPC ${continuity.median_upc}, median COC ${continuity.median_coc}`;
        });

        await step('a nurse leaves: their clients pass to their backups, everyone else keeps theirs', async () => {
            const leaver = caseload[0].named_nurse_id;
            const before = new Map(caseload.map((e) => [e.client_id, e]));
            const { team, handovers } = await teams.LeaveTeam({ request_id: randomUUID(), team_id: teamId, nurse_id: leaver });
            assert.ok(!team.members.some((m) => m.nurse_id === leaver), 'the leaver is still a member');
            if (actingNurse === leaver) actingNurse = team.members[0].nurse_id;

            // The contract says the leaver's named clients pass to their backups and new backups are chosen. It leaves open
            // whether a client who only lost their backup is listed as a handover too (named nurse unchanged), so both
            // kinds are checked, and nothing else may appear.
            const leaversClients = caseload.filter((e) => e.named_nurse_id === leaver).map((e) => e.client_id);
            const passed = handovers.filter((h) => h.previous_named_nurse_id === leaver);
            const rebacked = handovers.filter((h) => h.previous_named_nurse_id !== leaver);
            const passedClients = passed.map((h) => h.client_id).sort();
            assert.deepEqual(passedClients, [...leaversClients].sort(), 'a handover for each client the leaver was named for');
            for (const handover of handovers) {
                const previous = before.get(handover.client_id);
                assert.ok(previous, `a handover for client ${handover.client_id}, who is not on the caseload`);
                const seen = `leaver ${leaver}; before ${JSON.stringify(previous)}; handover ${JSON.stringify(handover)}`;
                assert.equal(handover.previous_named_nurse_id, previous.named_nurse_id, `previous named nurse: ${seen}`);
                assert.equal(handover.previous_backup_nurse_id, previous.backup_nurse_id, `previous backup: ${seen}`);
                if (previous.named_nurse_id === leaver) {
                    assert.equal(handover.named_nurse_id, previous.backup_nurse_id, `the backup becomes the named nurse: ${seen}`);
                } else {
                    assert.equal(previous.backup_nurse_id, leaver, `a handover the leaver had no part in: ${seen}`);
                    assert.equal(handover.named_nurse_id, previous.named_nurse_id, `only the backup left: ${seen}`);
                }
                assert.ok(handover.backup_nurse_id && handover.backup_nurse_id !== leaver, `a new backup is chosen: ${seen}`);
                assert.notEqual(handover.backup_nurse_id, handover.named_nurse_id, `the named nurse is their own backup: ${seen}`);
            }

            const after = (await teams.GetCaseload({ team_id: teamId })).entries;
            assert.equal(after.length, 43);
            for (const entry of after) {
                const previous = before.get(entry.client_id);
                assert.ok(previous, `client ${entry.client_id} appeared on the caseload`);
                assert.notEqual(entry.named_nurse_id, leaver, `client ${entry.client_id} is still named to the leaver`);
                assert.notEqual(entry.backup_nurse_id, leaver, `client ${entry.client_id} is still backed up by the leaver`);
                if (previous.named_nurse_id === leaver) {
                    const who = `client ${entry.client_id}`;
                    assert.equal(entry.named_nurse_id, previous.backup_nurse_id, `${who}: named nurse after the handover`);
                    assert.ok(entry.backup_nurse_id && entry.backup_nurse_id !== entry.named_nurse_id, `${who}: a new backup`);
                } else if (previous.backup_nurse_id === leaver) {
                    assert.equal(entry.named_nurse_id, previous.named_nurse_id, `client ${entry.client_id}: only the backup left`);
                } else {
                    assert.equal(entry.named_nurse_id, previous.named_nurse_id, `client ${entry.client_id}: named nurse changed`);
                    assert.equal(entry.backup_nurse_id, previous.backup_nurse_id, `client ${entry.client_id}: backup changed`);
                }
            }

            const continuity = await teams.GetContinuity({ team_id: teamId });
            assert.ok(present(continuity.median_upc), 'median_upc is absent after the leaver');
            const first = continuity.clients.find((c) => c.client_id === caseload[0].client_id);
            assert.ok(first, 'GetContinuity no longer lists the first client');
            assert.equal(first.named_nurse_id, caseload[0].backup_nurse_id);
            const handed = `${passed.length} clients passed to their backups, ${rebacked.length} given a new backup`;
            return `${handed}; capacity now ${team.capacity} for ${team.caseload_count} clients`;
        });
    } finally {
        for (const client of [teams, nurses, referrals, records]) client.close();
    }
}

try {
    await firstWeek(target(process.argv[2]));
    console.log('the first week held');
} catch (error) {
    if (!(error instanceof StepFailed)) console.log(`FAIL ${describe(error)}`);
    process.exitCode = 1;
}
