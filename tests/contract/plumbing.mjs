// What every contract client here shares: the protos loaded as they are, tokens minted as an identity provider would
// (HS256 JWT with sub, role and team claims), calls with deadlines, and steps that print one line each.
import assert from 'node:assert/strict';
import { createHmac, randomInt } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const CALL_TIMEOUT_MS = 20_000;
export const HOUR_SECONDS = 3600;

const protosDirectory = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'protos');

/** The buurtzorg.v1 package of the named proto files (for example 'team_service'), as @grpc/grpc-js sees it. */
export function loadV1(files) {
    const definition = protoLoader.loadSync(
        files.map((file) => `buurtzorg/v1/${file}.proto`),
        { includeDirs: [protosDirectory], keepCase: true, longs: String, enums: String, defaults: true, oneofs: true },
    );
    return grpc.loadPackageDefinition(definition).buurtzorg.v1;
}

// ---- plumbing ------------------------------------------------------------------------------------------------------

export function target(address) {
    if (!address) throw new Error(`usage: node ${process.argv[1]} http://127.0.0.1:PORT --key <secret> --kid <key id>`);
    const url = new URL(address);
    if (url.protocol !== 'http:') throw new Error(`expected an http:// address (plaintext h2c), got "${address}"`);
    return url.host;
}

export function option(name, fallback) {
    const at = process.argv.indexOf(name);
    if (at < 0 || at + 1 >= process.argv.length) {
        if (fallback !== undefined) return fallback;
        throw new Error(`missing ${name}`);
    }
    return process.argv[at + 1];
}

const base64url = (buffer) => Buffer.from(buffer).toString('base64url');

/** An HS256 JWT for a caller: sub, role, team (team roles only), issuer, audience, an hour's lifetime. */
export function mint({ subject, role, team }) {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'HS256', typ: 'JWT', kid: option('--kid') };
    const claims = { sub: subject, role, iss: option('--issuer', 'buurtzorg'), aud: option('--audience', 'buurtzorg-api'), iat: now, nbf: now, exp: now + HOUR_SECONDS };
    if (team) claims.team = team;
    const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = createHmac('sha256', Buffer.from(option('--key'), 'base64')).update(unsigned).digest();
    return `${unsigned}.${base64url(signature)}`;
}
/**
 * The service's RPCs as functions returning promises, each with a deadline and the bearer token of the caller
 * `callerFor(rpcName, request)` names.
 */
export function connect(Service, address, callerFor) {
    const client = new Service(address, grpc.credentials.createInsecure());
    const rpcs = { close: () => client.close() };
    for (const name of Object.keys(Service.service)) {
        rpcs[name] = (request) => {
            const metadata = new grpc.Metadata();
            metadata.set('authorization', `Bearer ${mint(callerFor(name, request))}`);
            return new Promise((resolvePromise, reject) =>
                client[name](request, metadata, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, response) =>
                    error ? reject(error) : resolvePromise(response),
                ),
            );
        };
    }
    return rpcs;
}
export const statusName = (code) => Object.keys(grpc.status).find((name) => grpc.status[name] === code) ?? String(code);

/** Awaits a call that must fail with the given status; returns the error for further checks. */
export async function refused(call, code, what) {
    let response;
    try {
        response = await call;
    } catch (error) {
        if (error.code === undefined) throw error;
        const expected = `${what}: expected ${statusName(code)}, got ${statusName(error.code)} "${error.details}"`;
        assert.equal(statusName(error.code), statusName(code), expected);
        assert.ok(error.details && error.details.trim().length > 0, `${what}: the status message is empty`);
        return error;
    }
    assert.fail(`${what}: expected ${statusName(code)}, but the call succeeded: ${JSON.stringify(response)}`);
}

export const reasonOf = (error) => error.metadata?.get('buurtzorg-reason')?.[0]?.toString();
export const present = (value) => value !== undefined && value !== null;

export function describe(error) {
    if (error?.code !== undefined && error?.metadata) {
        const metadata = JSON.stringify(error.metadata.getMap());
        return `gRPC ${statusName(error.code)} (${error.code}): "${error.details}" metadata ${metadata}`;
    }
    return error?.stack ?? String(error);
}

let stepNumber = 0;
export async function step(title, body) {
    stepNumber += 1;
    try {
        const summary = await body();
        console.log(`ok   ${stepNumber}. ${title}${summary ? ` — ${summary}` : ''}`);
    } catch (error) {
        console.log(`FAIL ${stepNumber}. ${title}`);
        console.log(describe(error));
        throw new StepFailed();
    }
}

export class StepFailed extends Error {}

// ---- test data -----------------------------------------------------------------------------------------------------

const digit = () => String(randomInt(10));
const letter = () => String.fromCharCode(65 + randomInt(26));

/** An NMC PIN: two digits, a letter, four digits, a letter. */
export const nmcPin = () => digit() + digit() + letter() + digit() + digit() + digit() + digit() + letter();

/** Unique NHS numbers from the test range 999 000 0000 to 999 999 9999, with their modulus-11 check digit. */
export function nhsNumbers(count) {
    const numbers = new Set();
    while (numbers.size < count) {
        const stem = `999${String(randomInt(1_000_000)).padStart(6, '0')}`;
        const sum = [...stem].reduce((total, d, i) => total + Number(d) * (10 - i), 0);
        const check = 11 - (sum % 11);
        if (check === 10) continue;
        numbers.add(stem + (check === 11 ? '0' : String(check)));
    }
    return [...numbers];
}
