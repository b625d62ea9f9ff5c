import { describe, expect, it } from "vitest";
import { ActionOutsideSpace, checkedStep } from "../env";
import { CartPole, cartPoleDynamics, type CartPoleState } from "./cartpole";

/**
 * Against the published equations (Florian 2007, as Gymnasium's cartpole.py writes them), worked
 * by hand from rest with the cart pushed right: temp = F / (M + m) = 10 / 1.1 = 9.090909;
 * θ'' = (g sin θ − cos θ · temp) / (l (4/3 − m cos² θ / (M + m))) = −9.090909 / 0.621212 = −14.634146;
 * x'' = temp − m l θ'' cos θ / (M + m) = 9.756098; after one Euler step of 0.02 s: ẋ = 0.195122,
 * θ̇ = −0.292683; positions move by the old velocities (0). At θ = 0 the accelerations repeat,
 * so the second step gives x = 0.003902, ẋ = 0.390244, θ = −0.005854, θ̇ = −0.585366.
 */
describe("CartPole", () => {
  it("follows the equations: two steps from rest, pushed right", () => {
    const one = cartPoleDynamics([0, 0, 0, 0], 1);
    expect(one[0]).toBe(0);
    expect(one[1]).toBeCloseTo(0.195122, 6);
    expect(one[2]).toBe(0);
    expect(one[3]).toBeCloseTo(-0.292683, 6);
    const two = cartPoleDynamics(one, 1);
    [0.003902, 0.390244, -0.005854, -0.585366].forEach((v, i) => expect(two[i]).toBeCloseTo(v, 6));
    // Mirror symmetry: pushing left from the mirrored state gives the mirrored state.
    const s: CartPoleState = [0.1, -0.2, 0.05, 0.3];
    const left = cartPoleDynamics(s, 0);
    const right = cartPoleDynamics(s.map((v) => -v) as CartPoleState, 1);
    left.forEach((v, i) => expect(right[i]).toBeCloseTo(-v, 12));
  });

  it("terminates when the pole passes 12°, rewarding every step including the last", () => {
    const env = new CartPole();
    env.reset(1);
    let total = 0;
    let last;
    do { last = env.step(1); total += last.reward; } while (!last.terminated && !last.truncated);
    expect(last.terminated).toBe(true);
    expect(Math.abs(last.observation[2])).toBeGreaterThan((12 * Math.PI) / 180);
    expect(total).toBeGreaterThan(5);
    expect(total).toBeLessThan(20);
    expect(() => env.step(1)).toThrow(/call reset/);
  });

  it("truncates at its step limit while the pole stands", () => {
    const env = new CartPole({ maxSteps: 200 });
    let { observation: o } = env.reset(3);
    let steps = 0;
    for (;;) {
      const r = env.step(o[2] + 0.5 * o[3] > 0 ? 1 : 0); // lean right → push right
      steps++;
      o = r.observation;
      if (r.terminated || r.truncated) { expect(r).toMatchObject({ truncated: true, terminated: false }); break; }
    }
    expect(steps).toBe(200);
  });

  it("is deterministic under a seed, starts within ±0.05, and refuses actions outside the space", () => {
    const a = new CartPole(); const b = new CartPole();
    const ra = a.reset(7).observation; const rb = b.reset(7).observation;
    expect(ra).toEqual(rb);
    expect(ra.every((v) => Math.abs(v) <= 0.05)).toBe(true);
    expect(a.reset(8).observation).not.toEqual(ra);
    a.reset(7);
    for (const act of [1, 0, 0, 1, 1]) expect(a.step(act)).toEqual(b.step(act));
    expect(() => checkedStep(a, 2)).toThrow(ActionOutsideSpace);
    expect(() => checkedStep(a, 2)).toThrow("The action is outside the action space: expected an integer from 0 to 1, got 2");
    // A longer pole falls more slowly: the same pushes keep it up longer.
    const fall = (length: number) => { const e = new CartPole({ length }); e.reset(1); let n = 0; for (;;) { n++; if (e.step(1).terminated) return n; } };
    expect(fall(2)).toBeGreaterThan(fall(0.5));
  });
});
