import { Box, Discrete, seededRng, type Rng } from "../spaces";
import type { Environment, StepResult } from "../env";

/**
 * CartPole-v1 as Gymnasium defines it (classic_control/cartpole.py): the equations of Florian
 * (2007) integrated with Euler steps of 0.02 s; action 0 pushes left, 1 right, with 10 N; +1
 * reward per step including the last; terminated when |x| > 2.4 or |θ| > 12°; truncated at 500
 * steps (the v1 time limit); reset draws the four state values uniformly in ±0.05. Parameters
 * (pole length, gravity, …) can be changed for scenario matrices.
 */
export interface CartPoleParams { gravity: number; massCart: number; massPole: number; length: number; forceMag: number; tau: number; maxSteps: number }

export const CARTPOLE_DEFAULTS: CartPoleParams = { gravity: 9.8, massCart: 1.0, massPole: 0.1, length: 0.5, forceMag: 10.0, tau: 0.02, maxSteps: 500 };
const THETA_LIMIT = (12 * 2 * Math.PI) / 360;
const X_LIMIT = 2.4;

export type CartPoleState = [x: number, xDot: number, theta: number, thetaDot: number];

/** One Euler step of the dynamics: pure, so tests check it against the published equations. */
export function cartPoleDynamics(s: CartPoleState, action: 0 | 1, p: CartPoleParams = CARTPOLE_DEFAULTS): CartPoleState {
  const [x, xDot, theta, thetaDot] = s;
  const force = action === 1 ? p.forceMag : -p.forceMag;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const totalMass = p.massPole + p.massCart;
  const poleMassLength = p.massPole * p.length;
  const temp = (force + poleMassLength * thetaDot ** 2 * sin) / totalMass;
  const thetaAcc = (p.gravity * sin - cos * temp) / (p.length * (4.0 / 3.0 - (p.massPole * cos ** 2) / totalMass));
  const xAcc = temp - (poleMassLength * thetaAcc * cos) / totalMass;
  return [x + p.tau * xDot, xDot + p.tau * xAcc, theta + p.tau * thetaDot, thetaDot + p.tau * thetaAcc];
}

export class CartPole implements Environment<number[], number> {
  // Gymnasium's bounds: twice the termination limits, velocities unbounded.
  readonly observationSpace = Box([-4.8, -Infinity, -2 * THETA_LIMIT, -Infinity], [4.8, Infinity, 2 * THETA_LIMIT, Infinity]);
  readonly actionSpace = Discrete(2);
  readonly params: CartPoleParams;
  private state: CartPoleState = [0, 0, 0, 0];
  private steps = 0;
  private done = true;
  private rng: Rng = seededRng(0);

  constructor(params: Partial<CartPoleParams> = {}) {
    this.params = { ...CARTPOLE_DEFAULTS, ...params };
  }

  reset(seed?: number) {
    if (seed !== undefined) this.rng = seededRng(seed);
    this.state = [0, 0, 0, 0].map(() => -0.05 + 0.1 * this.rng()) as CartPoleState;
    this.steps = 0;
    this.done = false;
    return { observation: [...this.state], info: {} };
  }

  step(action: number): StepResult<number[]> {
    if (this.done) throw new Error("step() after the episode ended: call reset()");
    this.state = cartPoleDynamics(this.state, action as 0 | 1, this.params);
    this.steps++;
    const [x, , theta] = this.state;
    const terminated = x < -X_LIMIT || x > X_LIMIT || theta < -THETA_LIMIT || theta > THETA_LIMIT;
    const truncated = !terminated && this.steps >= this.params.maxSteps;
    this.done = terminated || truncated;
    return { observation: [...this.state], reward: 1, terminated, truncated, info: {} };
  }
}
