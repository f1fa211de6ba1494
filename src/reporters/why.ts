/** Why a case's trials failed or errored: decided in core, so reports of eval and compare say the same. */
export { failureReasons, onlyCancelled } from "../core/failure-reasons.js";
