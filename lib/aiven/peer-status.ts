import { AivenApiError } from "./aiven-api-error";
import { AivenService } from "./aiven-types";
import { PeerSide } from "../contract/pair-manifest";
import { ExpectedPeer, ExpectedRoles } from "../contract/expected-roles";

/** One peer as the API showed it, or why it could not be read. */
export type PeerStatus =
  | { readonly reachable: true; readonly service: AivenService }
  | { readonly reachable: false; readonly error: AivenApiError };

export interface Peers {
  readonly primary: PeerStatus;
  readonly recovery: PeerStatus;
}

export function describePeer(name: string, status: PeerStatus): string {
  if (!status.reachable) return `${name}: unreachable (${status.error.message})`;
  return `${name}: ${status.service.state}/${status.service.disaster_recovery_role ?? "no DR role"}`;
}

export function isRole(status: PeerStatus, state: string | undefined, role: string): boolean {
  return (
    status.reachable &&
    status.service.disaster_recovery_role === role &&
    (state === undefined || status.service.state === state)
  );
}

export function roleOf(status: PeerStatus): string | undefined {
  return status.reachable ? status.service.disaster_recovery_role : undefined;
}

export function stateOf(status: PeerStatus): string | undefined {
  return status.reachable ? status.service.state : undefined;
}

/** "RUNNING/passive", or "unreachable". */
export function whereIs(status: PeerStatus): string {
  return status.reachable
    ? `${status.service.state}/${status.service.disaster_recovery_role ?? "no DR role"}`
    : "unreachable";
}

/**
 * Whether a readable peer is at rest: RUNNING with an active or passive
 * role, or POWEROFF and failed. Anything else (REBALANCING, REBUILDING, a
 * failed service not powered off) is a transition under way, which someone
 * may have started; a role change must not be sent into it.
 */
export function isSteady(status: PeerStatus): boolean {
  if (!status.reachable) return true;
  const { state, disaster_recovery_role: role } = status.service;
  return (
    (state === "RUNNING" && (role === "active" || role === "passive" || role === undefined)) ||
    (state === "POWEROFF" && role === "failed")
  );
}

/**
 * The first peer (if any) that is REBALANCING: a takeover is under way,
 * which someone may have started. (A REBUILDING passive is still copying
 * data, which is no role change.)
 */
export function takeoverUnderWay(peers: Peers): PeerSide | undefined {
  return (["primary", "recovery"] as const).find((side) => stateOf(peers[side]) === "REBALANCING");
}

/** How one peer compares with what a phase expects of it (`EXPECTED_ROLES`). */
export type PeerCheck =
  | { readonly kind: "as-expected" }
  /** `allowed`: the phase lets this peer be unreadable (a failed primary whose region is down). */
  | { readonly kind: "unreachable"; readonly allowed: boolean; readonly error: AivenApiError }
  | { readonly kind: "wrong-role"; readonly actual?: string }
  /** The role is right, the state is not the one expected at rest. */
  | { readonly kind: "wrong-state"; readonly actual: string };

/** The one check of a peer against its expected role and state: status, the operations' waits and the drill all use it. */
export function checkExpectedPeer(peer: PeerStatus, want: ExpectedPeer): PeerCheck {
  if (!peer.reachable) return { kind: "unreachable", allowed: !!want.mayBeUnreachable, error: peer.error };
  const { disaster_recovery_role: role, state } = peer.service;
  if (role !== want.role) return { kind: "wrong-role", actual: role };
  if (want.state !== undefined && state !== want.state) return { kind: "wrong-state", actual: state };
  return { kind: "as-expected" };
}

/** Whether both peers show what a phase expects of them (see `EXPECTED_ROLES`). */
export function showsExpected(peers: Peers, expected: ExpectedRoles): boolean {
  return (["primary", "recovery"] as const).every((side) => {
    const check = checkExpectedPeer(peers[side], expected[side]);
    return check.kind === "as-expected" || (check.kind === "unreachable" && check.allowed);
  });
}

/** "pg-primary-dr RUNNING/active, pg-primary failed": what a phase expects, in words. */
export function describeExpected(names: Record<PeerSide, string>, expected: ExpectedRoles): string {
  return (["recovery", "primary"] as const)
    .map((side) => `${names[side]} ${expected[side].state ? `${expected[side].state}/` : ""}${expected[side].role}`)
    .join(", ");
}

/** A peer as the `--json` events carry it. */
export function peerData(status: PeerStatus): Record<string, unknown> {
  return status.reachable
    ? { reachable: true, state: status.service.state, role: status.service.disaster_recovery_role ?? null }
    : { reachable: false, error: status.error.message };
}
