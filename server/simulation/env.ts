import type { Space, SpaceSpec } from "./spaces";

/**
 * Gymnasium's environment shape: `reset(seed)` → {observation, info}; `step(action)` →
 * {observation, reward, terminated, truncated, info}. terminated: the task itself ended (the pole
 * fell); truncated: a limit cut it short (500 steps). An action outside the action space is
 * refused with the space's reason, before the environment moves.
 */
export interface StepResult<O> { observation: O; reward: number; terminated: boolean; truncated: boolean; info: Record<string, unknown> }

export interface Environment<O = unknown, A = unknown> {
  readonly observationSpace: Space<O>;
  readonly actionSpace: Space<A>;
  reset(seed?: number): { observation: O; info: Record<string, unknown> };
  step(action: A): StepResult<O>;
}

export class ActionOutsideSpace extends Error {}

/** Checks the action against the space, then steps: the one way the runner moves an environment. */
export function checkedStep<O, A>(env: Environment<O, A>, action: unknown): StepResult<O> {
  const why = env.actionSpace.check(action);
  if (why) throw new ActionOutsideSpace(`The action is outside the action space: ${why}`);
  return env.step(action as A);
}

export interface EnvironmentSpec { id: string; description: string; observationSpace: SpaceSpec; actionSpace: SpaceSpec; maxEpisodeSteps: number; parameters: Record<string, number> }
