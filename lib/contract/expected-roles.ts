import { DrRole } from "./dr-roles";
import { PhaseName } from "../phase/phase-record";

/** What Aiven should show for one peer: its role, and its state when at rest. */
export interface ExpectedPeer {
  readonly role: DrRole;
  /** `undefined`: any state (a failed primary may be powered off, or gone with its region). */
  readonly state?: "RUNNING";
  /** The peer may be unreadable (a failed primary whose region is down). */
  readonly mayBeUnreachable?: boolean;
}

/** What each phase expects Aiven to show, declared once: status, the operations' waits and the drill all read it. */
export interface ExpectedRoles {
  readonly primary: ExpectedPeer;
  readonly recovery: ExpectedPeer;
  /** Whether the DR link must exist and be active. */
  readonly link: "required" | "any";
}

export const EXPECTED_ROLES: Record<PhaseName, ExpectedRoles> = {
  normal: {
    primary: { role: "active", state: "RUNNING" },
    recovery: { role: "passive", state: "RUNNING" },
    link: "required",
  },
  "failed-over": {
    primary: { role: "failed", mayBeUnreachable: true },
    recovery: { role: "active", state: "RUNNING" },
    link: "any",
  },
  "switched-over": {
    primary: { role: "passive", state: "RUNNING" },
    recovery: { role: "active", state: "RUNNING" },
    link: "required",
  },
};
