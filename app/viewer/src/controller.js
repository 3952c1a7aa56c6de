// Walker for spatial worlds: Rapier's KinematicCharacterController against the world's static collider.
//
// The parameters come from the server (`GET /api/controller`), which serialises spatial.physics'
// ControllerParams, so the browser walker and the Python walker agree (capsule, step height, slopes,
// gravity, jump). Everything advances in fixed steps of `dt` seconds: `step(dt, input)` is pure given
// the collider, the state and the input, which is what the deterministic test hook relies on.
import RAPIER from "@dimforge/rapier3d-compat";

import PARAMS from "../../../spatial/physics/controller_params.json";

/**
 * Walker parameters: the fields of spatial.physics' ControllerParams (`to_dict()`) plus the derived take-off
 * speed `jump_speed` = sqrt(2 g jump_height). The defaults are spatial/physics/controller_params.json (written
 * by `python -m spatial.physics.params`), imported when the bundle is built: there is no copy of the values
 * here. The app sends `GET /api/controller`, static pages pass `opts.controller`; these defaults are used
 * only when neither is available.
 */
export const DEFAULT_PARAMS = Object.fromEntries(
  Object.entries(PARAMS).filter(([k]) => k !== "format" && k !== "rapier"),
);
DEFAULT_PARAMS.jump_speed = PARAMS.rapier.jumpSpeed;

/** Fly mode speed (m/s; the viewer's own, not a walker parameter). Shift doubles it. */
export const FLY_SPEED = 8.0;

let rapierReady = null;
/** Initialise Rapier's WASM once (it is inlined in the bundle: no extra request). */
export function initRapier() {
  if (!rapierReady) rapierReady = RAPIER.init();
  return rapierReady;
}

export class Walker {
  constructor(params = {}) {
    this.params = { ...DEFAULT_PARAMS, ...params };
    this.world = null;
    this.body = null;
    this.collider = null;
    this.controller = null;
    this.feet = { x: 0, y: 0, z: 0 };
    this.vy = 0; // vertical velocity, m/s
    this.grounded = false;
    this.fly = false;
    this.yaw = 0;
    this.pitch = 0;
    this.hasGround = false;
  }

  /** Replace the static world collider (vertices: Float32Array xyz, indices: Uint32Array). */
  setCollider(vertices, indices) {
    const p = this.params;
    if (this.world) this.world.free();
    this.world = new RAPIER.World({ x: 0, y: -p.gravity, z: 0 });
    this.hasGround = !!(vertices && indices && indices.length >= 3);
    if (this.hasGround) {
      this.world.createCollider(RAPIER.ColliderDesc.trimesh(vertices, indices));
    }
    this.body = this.world.createRigidBody(RAPIER.RigidBodyDesc.kinematicPositionBased());
    this.collider = this.world.createCollider(RAPIER.ColliderDesc.capsule(p.half_height, p.radius), this.body);
    const c = this.world.createCharacterController(p.offset);
    c.setUp({ x: 0, y: 1, z: 0 });
    c.setSlideEnabled(true);
    c.setMaxSlopeClimbAngle((p.max_slope_deg * Math.PI) / 180);
    c.setMinSlopeSlideAngle((p.min_slope_slide_deg * Math.PI) / 180);
    if (p.step_height > 0) c.enableAutostep(p.step_height, p.step_min_width, false);
    if (p.snap_to_ground > 0) c.enableSnapToGround(p.snap_to_ground);
    this.controller = c;
    this._place();
    // Scene queries see new colliders only after a step.
    this.world.step();
  }

  /** Capsule centre height above the feet. */
  get centreHeight() {
    return this.params.half_height + this.params.radius + this.params.offset;
  }

  _place() {
    if (!this.body) return;
    const t = { x: this.feet.x, y: this.feet.y + this.centreHeight, z: this.feet.z };
    this.body.setTranslation(t, true);
    this.body.setNextKinematicTranslation(t);
    this.collider.setTranslation(t);
  }

  /** Put the walker's feet at `position` looking along yaw (radians, 0 = -Z, positive turns left). */
  reset(position, yaw = 0, pitch = 0) {
    this.feet = { x: position[0], y: position[1], z: position[2] };
    this.vy = 0;
    this.grounded = false;
    this.yaw = yaw;
    this.pitch = pitch;
    this._place();
    if (this.world) this.world.step();
  }

  /** Eye position in the world frame. */
  eye() {
    return { x: this.feet.x, y: this.feet.y + this.params.eye_height, z: this.feet.z };
  }

  /**
   * Advance one fixed step.
   * input: {forward, right, up (fly), jump, run} each a number in [-1, 1] or a boolean.
   */
  step(dt, input) {
    const p = this.params;
    const fwd = +input.forward || 0;
    const right = +input.right || 0;
    const sy = Math.sin(this.yaw);
    const cy = Math.cos(this.yaw);
    // forward = (-sin yaw, 0, -cos yaw); right = (cos yaw, 0, -sin yaw)
    let mx = -sy * fwd + cy * right;
    let mz = -cy * fwd - sy * right;
    const len = Math.hypot(mx, mz);
    if (len > 1) {
      mx /= len;
      mz /= len;
    }
    if (this.fly) {
      const speed = FLY_SPEED * (input.run ? 2 : 1);
      // In fly mode forward follows the view pitch too.
      const cp = Math.cos(this.pitch);
      const spch = Math.sin(this.pitch);
      const up = (+input.up || 0) + fwd * spch;
      const h = fwd !== 0 ? cp : 1;
      this.feet.x += (mx * h) * speed * dt;
      this.feet.z += (mz * h) * speed * dt;
      this.feet.y += up * speed * dt;
      this.vy = 0;
      this.grounded = false;
      this._place();
      return;
    }
    const speed = input.run ? p.run_speed : p.walk_speed;
    if (this.grounded && input.jump) {
      this.vy = p.jump_speed;
      this.grounded = false;
    }
    // as spatial.physics.CharacterController: gravity up to max_fall_speed; air_control scales the
    // horizontal move while airborne
    this.vy = Math.max(this.vy - p.gravity * dt, -p.max_fall_speed);
    const h = this.grounded ? speed * dt : speed * dt * p.air_control;
    const desired = { x: mx * h, y: this.vy * dt, z: mz * h };
    if (!this.controller) {
      this.feet.x += desired.x;
      this.feet.y += desired.y;
      this.feet.z += desired.z;
      return;
    }
    this.controller.computeColliderMovement(this.collider, desired);
    const m = this.controller.computedMovement();
    this.feet.x += m.x;
    this.feet.y += m.y;
    this.feet.z += m.z;
    this.grounded = this.controller.computedGrounded();
    if (this.grounded && this.vy < 0) this.vy = 0;
    // Hitting a ceiling while jumping stops the rise.
    if (this.vy > 0 && m.y < desired.y * 0.5) this.vy = 0;
    // Safety net: never fall forever below the world.
    if (this.feet.y < -1000) this.vy = 0;
    this._place();
    this.world.step();
  }

  /** Cast a ray down from (x, z) and return {y, ny} of the first surface below `fromY`, or null. */
  groundAt(x, z, fromY) {
    if (!this.world || !this.hasGround) return null;
    const ray = new RAPIER.Ray({ x, y: fromY, z }, { x: 0, y: -1, z: 0 });
    const hit = this.world.castRayAndGetNormal(ray, 1e4, true, undefined, undefined, this.collider);
    if (!hit) return null;
    return { y: fromY - hit.timeOfImpact, ny: hit.normal.y };
  }

  dispose() {
    if (this.world) this.world.free();
    this.world = null;
  }
}
