import { ackScenario } from "./ack.js";
import { connectConcurrentScenario, connectSequentialScenario } from "./connect.js";
import { fanoutScenario } from "./fanout.js";
import { idleScenario } from "./idle.js";
import { pingPongScenario } from "./pingpong.js";
import { pollingScenario } from "./polling.js";
import type { Scenario } from "./scenario.js";

export const SCENARIOS: readonly Scenario[] = [
  ackScenario,
  pingPongScenario,
  fanoutScenario,
  idleScenario,
  connectSequentialScenario,
  connectConcurrentScenario,
  pollingScenario,
];

/** `--only` names: a scenario's name, or a prefix of it (`connect`). */
export function selectScenarios(names: readonly string[] | undefined): Scenario[] {
  if (!names) return [...SCENARIOS];
  const chosen = SCENARIOS.filter((scenario) => names.some((name) => scenario.name === name || scenario.name.startsWith(`${name}-`)));
  const unknown = names.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name || scenario.name.startsWith(`${name}-`)));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(", ")} (known: ${SCENARIOS.map((s) => s.name).join(", ")}, connect)`);
  return chosen;
}
