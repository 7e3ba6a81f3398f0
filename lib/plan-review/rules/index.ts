import { PlanRule } from "../plan-rule";
import { applicationOutputRemoved } from "./application-output-removed";
import { cloudMigration } from "./cloud-migration";
import { crossStackChange } from "./cross-stack-change";
import { drIntegrationRemoved } from "./dr-integration-removed";
import { failedPrimaryChanged } from "./failed-primary-changed";
import { forgetExplained } from "./forget-explained";
import { forgetUnexpected } from "./forget-unexpected";
import { importExplained } from "./import-explained";
import { incompletePlan } from "./incomplete-plan";
import { pairStateMissing } from "./pair-state-missing";
import { pgDestroyed } from "./pg-destroyed";
import { phaseChanged } from "./phase-changed";
import { pinnedAddressMoved } from "./pinned-address-moved";
import { planDivergence } from "./plan-divergence";
import { planErrored } from "./plan-errored";
import { planWithoutCrdr } from "./plan-without-crdr";
import { recoveryChangedWhileFailedOver } from "./recovery-changed-while-failed-over";
import { replaceReason } from "./replace-reason";
import { secondDrIntegration } from "./second-dr-integration";
import { secondPgManager } from "./second-pg-manager";
import { terminationProtectionOff } from "./termination-protection-off";

/** Every plan-review rule, most severe first. */
export const PLAN_RULES: readonly PlanRule[] = [
  planErrored,
  phaseChanged,
  pairStateMissing,
  pgDestroyed,
  drIntegrationRemoved,
  failedPrimaryChanged,
  applicationOutputRemoved,
  secondDrIntegration,
  secondPgManager,
  planWithoutCrdr,
  pinnedAddressMoved,
  forgetUnexpected,
  incompletePlan,
  terminationProtectionOff,
  cloudMigration,
  planDivergence,
  recoveryChangedWhileFailedOver,
  crossStackChange,
  forgetExplained,
  importExplained,
  replaceReason,
];
