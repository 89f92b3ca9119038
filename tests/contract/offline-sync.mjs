// A round without a signal, driven through the gRPC contract alone (issue 15): a nurse loads her team's caseload and her
// day, loses the signal, records visits, notes and a rating into an outbox kept in a file, while a colleague stops an
// intervention and the team passes a client to another named nurse; the app restarts, reads its outbox back, comes
// online and syncs with SyncService: every item applied once or refused with a reason, the visit that met the stopped
// intervention kept and flagged to the team, Changes bringing the cache up to date, and the same batch sent again
// changing nothing.
// Usage: node offline-sync.mjs http://127.0.0.1:PORT --key <base64 HS256 secret> --kid <key id> [--issuer buurtzorg]
//        [--audience buurtzorg-api]
// Prints one line per step; exits 0 only when every step held. Ids and NHS numbers are fresh each run.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, describe, loadV1, nhsNumbers, nmcPin, step, StepFailed, target } from './plumbing.mjs';

const v1 = loadV1(['team_service', 'nurse_service', 'referral_service', 'care_record_service', 'planning_service', 'sync_service']);

// The nurse whose tablet this is acts unless a colleague or the office is named for the moment.
const officeCalls = new Set(['ApplyTeam', 'ApproveTeam', 'RegisterNurse']);
let roundTeam;
let actingNurse;
function callerFor(name, request) {
    if (officeCalls.has(name)) return { subject: 'office-node', role: 'central_office' };
    const subject = name === 'JoinTeam' && !actingNurse ? request.nurse_id : actingNurse;
    return { subject, role: 'nurse', team: request.team_id || roundTeam };
}

/** Runs calls as another member of the team (the colleague), then hands the tablet back. */
async function as(nurseId, body) {
    const tablet = actingNurse;
    actingNurse = nurseId;
    try {
        return await body();
    } finally {
        actingNurse = tablet;
    }
}

const londonToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
const secondsAgo = (seconds) => ({ seconds: String(Math.floor(Date.now() / 1000) - seconds), nanos: 0 });
const outcomeCounts = (results) => results.reduce((counts, r) => ({ ...counts, [r.outcome]: (counts[r.outcome] ?? 0) + 1 }), {});

/** The outbox a tablet keeps on its disk: writes in the order they were made, each with its own request id. */
class Outbox {
    constructor(file) {
        this.file = file;
    }

    add(item) {
        const items = this.read();
        items.push(item);
        writeFileSync(this.file, JSON.stringify(items));
    }

    read() {
        try {
            return JSON.parse(readFileSync(this.file, 'utf8'));
        } catch (error) {
            if (error.code === 'ENOENT') return [];
            throw error;
        }
    }
}

async function round(address) {
    const teams = connect(v1.TeamService, address, callerFor);
    const nurses = connect(v1.NurseService, address, callerFor);
    const referrals = connect(v1.ReferralService, address, callerFor);
    const records = connect(v1.CareRecordService, address, callerFor);
    const planning = connect(v1.PlanningService, address, callerFor);
    const sync = connect(v1.SyncService, address, callerFor);
    const folder = mkdtempSync(join(tmpdir(), 'buurtzorg-tablet-'));
    const run = randomUUID().slice(0, 8);

    let teamId;
    const members = [];
    const clients = []; // { client_id, intervention_id, problem_id }
    let cursor;
    const cache = new Map(); // client_id -> { entry, record_version }
    let batch;

    try {
        await step('a team of three nurses with three clients, each with a wound care plan', async () => {
            teamId = (await teams.ApplyTeam({ request_id: randomUUID(), name: `Bow West ${run}`, footprint: ['E3 2'] })).team.team_id;
            await teams.ApproveTeam({ request_id: randomUUID(), team_id: teamId });
            roundTeam = teamId;
            for (let i = 0; i < 3; i += 1) {
                const { nurse } = await nurses.RegisterNurse({
                    request_id: randomUUID(),
                    display_name: `RN ${i + 1} ${run}`,
                    role: 'NURSE_ROLE_REGISTERED_NURSE',
                    nmc_pin: nmcPin(),
                    contracted_hours_per_week: 37.5,
                    skills: ['SKILL_WOUND_CARE'],
                });
                await teams.JoinTeam({ request_id: randomUUID(), team_id: teamId, nurse_id: nurse.nurse_id });
                members.push(nurse.nurse_id);
                actingNurse ??= nurse.nurse_id;
            }
            for (const [i, nhs] of nhsNumbers(3).entries()) {
                const { referral } = await referrals.Refer({
                    request_id: randomUUID(),
                    team_id: teamId,
                    source: 'REFERRAL_SOURCE_GENERAL_PRACTITIONER',
                    nhs_number: nhs,
                    client: { given_name: 'Ada', family_name: `Archer ${i}`, date_of_birth: '1938-02-11', address_line: `${i + 1} Old Ford Road`, postcode: 'E3 2AB' },
                    needs: ['SKILL_WOUND_CARE'],
                });
                await referrals.Admit({ request_id: randomUUID(), team_id: teamId, referral_id: referral.referral_id });
                const common = { client_id: referral.client_id, recorded_by: actingNurse };
                const { problem } = await records.AddProblem({
                    request_id: randomUUID(), ...common, problem: 'OMAHA_PROBLEM_SKIN', scope: 'PROBLEM_SCOPE_INDIVIDUAL',
                    severity: 'PROBLEM_SEVERITY_ACTUAL', signs_and_symptoms: ['lesion'],
                });
                const { intervention } = await records.AddIntervention({
                    request_id: randomUUID(), ...common, problem_id: problem.problem_id,
                    category: 'INTERVENTION_CATEGORY_TREATMENTS_PROCEDURES', target: 'wound care', detail: 'clean and dress',
                    care_type: 'CARE_TYPE_NURSING', frequency: { times: 1, period: 'FREQUENCY_PERIOD_DAY' },
                    time_window: 'TIME_WINDOW_MORNING', duration_minutes: 30, skills: ['SKILL_WOUND_CARE'],
                });
                clients.push({ client_id: referral.client_id, problem_id: problem.problem_id, intervention_id: intervention.intervention_id });
            }
            return `team ${teamId}, clients ${clients.map((c) => c.client_id).join(', ')}`;
        });

        await step('online, the tablet loads the caseload from Changes and the nurse her day', async () => {
            const first = await sync.Changes({ team_id: teamId, cursor: '' });
            assert.equal(first.reset, true, 'a first Changes is a reset');
            assert.equal(first.next_page_token, '', 'three clients fit one page');
            assert.ok(first.next_cursor, 'Changes gave no cursor');
            assert.deepEqual(first.members.map((m) => m.nurse_id).sort(), [...members].sort());
            for (const change of first.changes) cache.set(change.changed.entry.client_id, change.changed);
            assert.deepEqual([...cache.keys()].sort(), clients.map((c) => c.client_id).sort());
            cursor = first.next_cursor;

            const today = londonToday();
            await planning.ReviewDay({ request_id: randomUUID(), team_id: teamId, day: today });
            const day = await planning.GetMyDay({ day: '' });
            assert.equal(day.day, today, 'GetMyDay answers the London date of today');
            assert.equal(day.nurse_id, actingNurse);
            for (const client of day.clients) assert.ok(cache.has(client.client_id), `her day names client ${client.client_id}, not in the cache`);
            return `cursor kept; ${day.visits.length} visits on her day`;
        });

        const outbox = new Outbox(join(folder, 'outbox.json'));
        const lateVisit = { request_id: randomUUID() };
        await step('offline: seven visits, two notes, a rating and a note left empty go into the outbox on disk', async () => {
            const [a, b, c] = clients;
            const visit = (client, hoursAgo, note = '') => ({
                record_visit: {
                    request_id: randomUUID(), client_id: client.client_id, nurse_id: actingNurse, start: secondsAgo(hoursAgo * 3600),
                    duration_minutes: 30, direct_care_minutes: 25, interventions_done: [client.intervention_id], note,
                },
            });
            outbox.add(visit(a, 5));
            outbox.add(visit(b, 5, 'Dressing changed; edges clean.'));
            outbox.add(visit(c, 4));
            outbox.add({ add_note: { request_id: randomUUID(), client_id: a.client_id, recorded_by: actingNurse, text: 'Asked for a later visit on Fridays.' } });
            outbox.add(visit(a, 3));
            outbox.add(visit(b, 3));
            outbox.add({ rate_problem: { request_id: randomUUID(), client_id: b.client_id, recorded_by: actingNurse, problem_id: b.problem_id, rating: { knowledge: 3, behaviour: 3, status: 4 } } });
            outbox.add(visit(c, 2));
            outbox.add({ add_note: { request_id: randomUUID(), client_id: c.client_id, recorded_by: actingNurse, text: 'Daughter now visits on Tuesdays.' } });
            outbox.add(visit(b, 1));
            outbox.add({ add_note: { request_id: randomUUID(), client_id: c.client_id, recorded_by: actingNurse, text: '' } });
            return `${outbox.read().length} items in ${outbox.file}`;
        });

        await step('meanwhile, online: a colleague stops the first client\'s wound care and the team passes the second client on', async () => {
            const [colleague, backup] = members.slice(1);
            await as(colleague, async () => {
                await records.StopIntervention({ request_id: randomUUID(), client_id: clients[0].client_id, recorded_by: colleague, intervention_id: clients[0].intervention_id });
                const { entry } = await referrals.ReassignNamedNurse({
                    request_id: randomUUID(), team_id: teamId, client_id: clients[1].client_id, named_nurse_id: colleague, backup_nurse_id: backup,
                });
                assert.equal(entry.named_nurse_id, colleague);
            });
            return `client ${clients[0].client_id} has no wound care now; client ${clients[1].client_id} is ${colleague}'s`;
        });

        await step('still offline, she visits the first client and does the wound care she does not know was stopped', async () => {
            // After the stop: the visit starts now (a second on, so that it is later than the stop to the second).
            const start = { seconds: String(Math.floor(Date.now() / 1000) + 1), nanos: 0 };
            await new Promise((resolvePromise) => setTimeout(resolvePromise, 1100));
            outbox.add({
                record_visit: {
                    request_id: lateVisit.request_id, client_id: clients[0].client_id, nurse_id: actingNurse, start,
                    duration_minutes: 30, direct_care_minutes: 25, interventions_done: [clients[0].intervention_id], note: '',
                },
            });
            const visits = outbox.read().filter((item) => item.record_visit).length;
            assert.equal(visits, 8);
            return `${visits} visits, ${outbox.read().length} items waiting`;
        });

        await step('the app restarts, reads its outbox back and uploads it: each item applied once or refused with a reason', async () => {
            batch = new Outbox(outbox.file).read(); // nothing kept in memory across the restart but the file
            assert.equal(batch.length, 12);
            const { results } = await sync.Upload({ team_id: teamId, items: batch });
            assert.equal(results.length, batch.length, 'one result per item');
            results.forEach((result, i) => assert.equal(result.request_id, Object.values(batch[i])[0].request_id, `result ${i} answers another item`));
            const refused = results.filter((r) => r.outcome === 'UPLOAD_OUTCOME_REFUSED');
            assert.equal(refused.length, 1, `expected only the empty note refused: ${JSON.stringify(refused)}`);
            assert.equal(refused[0].request_id, batch.find((item) => item.add_note?.text === '').add_note.request_id);
            assert.equal(refused[0].status, 'INVALID_ARGUMENT');
            assert.ok(refused[0].message.trim().length > 0, 'a refusal carries a message for the nurse');
            const applied = results.filter((r) => r.outcome === 'UPLOAD_OUTCOME_APPLIED');
            assert.equal(applied.length, 11, `outcomes ${JSON.stringify(outcomeCounts(results))}`);
            for (const result of applied) assert.ok(result.entry_id, `item ${result.request_id} applied without an entry id`);
            const flagged = results.filter((r) => r.flagged);
            assert.deepEqual(flagged.map((r) => r.request_id), [lateVisit.request_id], 'only the visit after the stop is flagged');
            return `${JSON.stringify(outcomeCounts(results))}, flagged ${flagged.length}`;
        });

        await step('Changes brings the tablet up to date: the flag, the new named nurse, the newer records; then nothing', async () => {
            // Records tell their team one-way as each item lands, so the tablet asks again until what it uploaded shows,
            // as an app refreshing after a sync would; each answer moves the cursor on.
            const seen = new Map();
            const ask = async () => {
                const changed = await sync.Changes({ team_id: teamId, cursor });
                assert.equal(changed.reset, false, 'a recent cursor is not a reset');
                for (const change of changed.changes) {
                    assert.ok(change.changed, `a client left the caseload: ${JSON.stringify(change)}`);
                    seen.set(change.changed.entry.client_id, change.changed);
                }
                cursor = changed.next_cursor;
                return changed.changes.length;
            };
            const upToDate = () => {
                const [a, b, c] = clients.map((client) => seen.get(client.client_id));
                return a?.entry.flags.includes('CASELOAD_FLAG_OFFLINE_CONFLICT') && b?.entry.named_nurse_id === members[1]
                    && [a, b, c].every((x) => x && Number(x.record_version) > Number(cache.get(x.entry.client_id).record_version));
            };
            let asked = 0;
            for (const until = Date.now() + 10_000; !upToDate() && Date.now() < until; asked += 1) {
                await ask();
                if (!upToDate()) await new Promise((resolvePromise) => setTimeout(resolvePromise, 200));
            }
            assert.ok(upToDate(), `after ${asked} asks Changes shows ${JSON.stringify([...seen.values()].map((x) => [x.entry.client_id, x.entry.named_nurse_id, x.entry.flags, x.record_version]))}`);
            for (const client of seen.values()) cache.set(client.entry.client_id, client);
            let trailing = 0;
            for (const until = Date.now() + 5_000; (trailing = await ask()) > 0 && Date.now() < until;) {
                await new Promise((resolvePromise) => setTimeout(resolvePromise, 200));
            }
            assert.equal(trailing, 0, 'Changes keeps finding changes nobody made');
            const caseload = (await teams.GetCaseload({ team_id: teamId })).entries;
            assert.ok(caseload.find((e) => e.client_id === clients[0].client_id).flags.includes('CASELOAD_FLAG_OFFLINE_CONFLICT'), 'the caseload shows the flag');
            return `${seen.size} clients changed (asked ${asked} times), then nothing`;
        });

        await step('the same batch sent again changes nothing', async () => {
            const counts = async () => Promise.all(clients.map(async (client) => (await records.GetHistory({ client_id: client.client_id, page_size: 500 })).entries.length));
            const before = await counts();
            const { results } = await sync.Upload({ team_id: teamId, items: batch });
            const outcomes = outcomeCounts(results);
            assert.deepEqual(outcomes, { UPLOAD_OUTCOME_ALREADY_APPLIED: 11, UPLOAD_OUTCOME_REFUSED: 1 }, JSON.stringify(outcomes));
            assert.deepEqual(await counts(), before, 'entries were added by the second upload');
            return `history lengths ${before.join('/')} unchanged`;
        });
    } finally {
        for (const client of [teams, nurses, referrals, records, planning, sync]) client.close();
        rmSync(folder, { recursive: true, force: true });
    }
}

try {
    await round(target(process.argv[2]));
    console.log('the offline round held');
} catch (error) {
    if (!(error instanceof StepFailed)) console.log(`FAIL ${describe(error)}`);
    process.exitCode = 1;
}
