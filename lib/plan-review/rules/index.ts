import { PlanRule } from "../plan-rule";
import { cloudMigration } from "./cloud-migration";
import { crossStackChange } from "./cross-stack-change";
import { drIntegrationRemoved } from "./dr-integration-removed";
import { failedPrimaryChanged } from "./failed-primary-changed";
import { forgetExplained } from "./forget-explained";
import { importExplained } from "./import-explained";
import { pgDestroyed } from "./pg-destroyed";
import { planDivergence } from "./plan-divergence";
import { planErrored } from "./plan-errored";
import { recoveryChangedWhileFailedOver } from "./recovery-changed-while-failed-over";
import { secondDrIntegration } from "./second-dr-integration";
import { terminationProtectionOff } from "./termination-protection-off";

/** Every plan-review rule, most severe first. */
export const PLAN_RULES: readonly PlanRule[] = [
  planErrored,
  pgDestroyed,
  drIntegrationRemoved,
  failedPrimaryChanged,
  secondDrIntegration,
  terminationProtectionOff,
  cloudMigration,
  planDivergence,
  recoveryChangedWhileFailedOver,
  crossStackChange,
  forgetExplained,
  importExplained,
];
