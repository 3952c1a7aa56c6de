// spatial viewer: walk through and edit a spatial world in the browser.
//
// three.js + Spark render the splats, Rapier's KinematicCharacterController walks against the world's
// collider GLB with the parameters of spatial.physics' ControllerParams (fetched from the server, or
// passed in as `opts.controller` by static pages). Edits are spatial edit ops as JSON (docs/edits.md),
// sent to the server's REST API with the version they are based on; the server applies them through
// the world store (each one a new version) and the viewer reloads the new version. Everything is
// served by the spatial app: no outside request.
//
// Test hook: `window.spatialViewer` (see `Viewer.step`, `getCamera`, `setRealtime`, `waitFrames`).
import * as THREE from "three";
import { SparkRenderer, SplatMesh } from "@sparkjsdev/spark";
import { GLTFLoader } from "three/examples/jsm/loaders/GLTFLoader.js";
import { Walker, DEFAULT_PARAMS, FLY_SPEED, initRapier } from "./controller.js";
import { Minimap } from "./minimap.js";

export { THREE, DEFAULT_PARAMS };

const DT = 1 / 60; // fixed simulation step, s
const MAX_STEPS_PER_FRAME = 6;
const BACKGROUND = 0x0c0f16;

const HELP_WALK = `<b>Walk</b> W A S D · <b>look</b> drag or click to capture the mouse (Esc releases)<br>
<b>Shift</b> run · <b>Space</b> jump · <b>F</b> fly (Space up, C down) · <b>R</b> reset to spawn · <b>H</b> help`;
const HELP_EDIT = `<br><b>E</b> edit mode: click to select, then use the toolbar · <b>Ctrl+Z / Ctrl+Y</b> undo / redo`;

/** Edit-toolbar actions -> spatial edit op JSON (docs/edits.md), given the selection as op JSON. */
const OP_BUILDERS = {
  delete: (select) => ({ op: "delete", select }),
  move: (select, p) => ({ op: "transform", select, translate: p.offset }),
  rotate: (select, p) => ({ op: "transform", select, rotate: { axis: p.axis || [0, 1, 0], degrees: p.angle_deg } }),
  scale: (select, p) => ({ op: "transform", select, scale: p.factor }),
  recolor: (select, p) => ({ op: "recolor", select, rgb: p.color }),
  duplicate: (select, p) => ({ op: "duplicate", select, translate: p.offset || [1, 0, 0] }),
};

const CSS = `
.sv-root{position:relative;width:100%;height:100%;min-height:320px;background:#0c0f16;overflow:hidden;border-radius:8px;font:13px/1.35 system-ui,sans-serif;color:#e8ecf3}
.sv-root canvas.sv-canvas{display:block;width:100%;height:100%;outline:none;cursor:grab}
.sv-root canvas.sv-canvas:focus{box-shadow:inset 0 0 0 2px #4f8cff}
.sv-root.sv-edit canvas.sv-canvas{cursor:crosshair}
.sv-hud{position:absolute;left:10px;top:8px;pointer-events:none;background:rgba(10,12,18,.6);padding:4px 8px;border-radius:6px;max-width:calc(100% - 170px)}
.sv-hud .sv-title{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.sv-hud .sv-title{font-weight:600;font-size:14px}
.sv-help{position:absolute;left:10px;bottom:10px;background:rgba(10,12,18,.72);padding:8px 10px;border-radius:6px;pointer-events:none;max-width:70%}
.sv-minimap{position:absolute;right:10px;top:10px;pointer-events:none}
.sv-cross{position:absolute;left:50%;top:50%;width:14px;height:14px;margin:-7px 0 0 -7px;pointer-events:none;opacity:.65}
.sv-cross:before,.sv-cross:after{content:"";position:absolute;background:#fff}
.sv-cross:before{left:6px;top:0;width:2px;height:14px}.sv-cross:after{top:6px;left:0;height:2px;width:14px}
.sv-msg{position:absolute;left:50%;top:96px;transform:translateX(-50%);background:rgba(20,24,34,.92);padding:6px 12px;border-radius:6px;display:none;max-width:60%}
.sv-msg.sv-error{background:#8a1c1c;color:#fff}
.sv-tools{position:absolute;right:10px;bottom:10px;background:rgba(10,12,18,.85);padding:8px;border-radius:8px;display:none;max-width:360px}
.sv-edit .sv-tools{display:block}
.sv-tools .sv-row{display:flex;gap:4px;flex-wrap:wrap;align-items:center;margin:3px 0}
.sv-tools button{background:#263048;color:#e8ecf3;border:1px solid #3a4666;border-radius:5px;padding:3px 7px;cursor:pointer;font-size:12px}
.sv-tools button:hover{background:#33405f}.sv-tools button:disabled{opacity:.45;cursor:default}
.sv-tools input,.sv-tools select{background:#161b28 !important;color:#e8ecf3 !important;border:1px solid #3a4666 !important;border-radius:4px;font-size:12px;padding:2px 4px !important;height:auto !important;box-shadow:none !important}
.sv-tools input[type=number]{width:54px !important}.sv-tools input[type=color]{width:34px !important;padding:0 !important}.sv-tools input.sv-vec{width:80px}.sv-tools input.sv-text{width:230px}
.sv-modebar{position:absolute;left:10px;top:58px;display:flex;gap:4px}
.sv-modebar button{background:rgba(20,24,34,.85);color:#e8ecf3;border:1px solid #3a4666;border-radius:5px;padding:3px 9px;cursor:pointer;font-size:12px}
.sv-modebar button.sv-on{background:#4f8cff;border-color:#4f8cff}
`;

function el(tag, attrs = {}, html = "") {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (html) e.innerHTML = html;
  return e;
}

function keyInput(keys) {
  const has = (...codes) => codes.some((c) => keys.has(c));
  return {
    forward: (has("KeyW", "ArrowUp") ? 1 : 0) - (has("KeyS", "ArrowDown") ? 1 : 0),
    right: (has("KeyD", "ArrowRight") ? 1 : 0) - (has("KeyA", "ArrowLeft") ? 1 : 0),
    up: (has("Space") ? 1 : 0) - (has("KeyC") ? 1 : 0),
    jump: has("Space"),
    run: has("ShiftLeft", "ShiftRight"),
  };
}

/** Merge a collider GLB's meshes (world transforms applied) into one vertex/index pair. */
function mergeMeshes(root) {
  const verts = [];
  const idx = [];
  root.updateMatrixWorld(true);
  root.traverse((o) => {
    if (!o.isMesh || !o.geometry) return;
    const g = o.geometry;
    const pos = g.getAttribute("position");
    if (!pos) return;
    const base = verts.length / 3;
    const v = new THREE.Vector3();
    for (let i = 0; i < pos.count; i++) {
      v.fromBufferAttribute(pos, i).applyMatrix4(o.matrixWorld);
      verts.push(v.x, v.y, v.z);
    }
    if (g.index) for (let i = 0; i < g.index.count; i++) idx.push(base + g.index.getX(i));
    else for (let i = 0; i < pos.count; i++) idx.push(base + i);
  });
  return { vertices: new Float32Array(verts), indices: new Uint32Array(idx) };
}

export class Viewer {
  constructor(container, opts = {}) {
    this.opts = { api: "", edit: true, realtime: true, keysOnCanvas: true, ...opts };
    this.container = container;
    this.keys = new Set();
    this.frames = 0;
    this.steps = 0;
    this.mode = "walk";
    this.realtime = this.opts.realtime;
    this.info = null; // current world info from the server
    this.selection = null; // {shape: sphere|box|ray, center:[x,y,z], size, origin?, direction?}
    this.ready = false;
    this.loading = null;
    this.error = null;
    this.params = { ...DEFAULT_PARAMS };
    this.walker = new Walker(this.params);
    this._frameWaiters = [];
    this._fps = 0;
    this._lastT = performance.now();
    this._acc = 0;
    this.listeners = {};
  }

  on(name, fn) {
    (this.listeners[name] ||= []).push(fn);
  }

  _emit(name, data) {
    for (const fn of this.listeners[name] || []) {
      try {
        fn(data);
      } catch (e) {
        console.warn("spatial viewer listener failed", e);
      }
    }
  }

  // ------------------------------------------------------------------ setup
  async init() {
    this._buildDom();
    const canvas = this.canvas;
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    this.scene = new THREE.Scene();
    this.scene.background = new THREE.Color(BACKGROUND);
    this.camera = new THREE.PerspectiveCamera(70, 1, 0.05, 1000);
    this.camera.rotation.order = "YXZ";
    this.spark = new SparkRenderer({ renderer: this.renderer });
    this.scene.add(this.spark);
    this.colliderMesh = null;
    this.selectionHelper = null;
    this._resize();
    this._resizeObserver = new ResizeObserver(() => this._resize());
    this._resizeObserver.observe(this.root);
    this._bindInput();
    await initRapier();
    if (this.opts.controller) {
      this.setParams(this.opts.controller); // static pages (spatial export --engine threejs) pass them in
    } else {
      try {
        const r = await fetch(this._url("/api/controller"));
        if (r.ok) this.setParams(await r.json());
      } catch (e) {
        console.warn("spatial viewer: controller parameters unavailable, using defaults", e);
      }
    }
    this._loop = this._loop.bind(this);
    requestAnimationFrame(this._loop);
    this.ready = true;
    return this;
  }

  _url(path) {
    return (this.opts.api || "") + path;
  }

  _buildDom() {
    if (!document.getElementById("sv-style")) {
      const s = el("style", { id: "sv-style" });
      s.textContent = CSS;
      document.head.appendChild(s);
    }
    const root = el("div", { class: "sv-root" });
    this.root = root;
    this.canvas = el("canvas", { class: "sv-canvas", tabindex: "0", "aria-label": "world viewer" });
    root.appendChild(this.canvas);
    this.hud = el("div", { class: "sv-hud" }, `<div class="sv-title">spatial</div><div class="sv-stats"></div>`);
    root.appendChild(this.hud);
    this.cross = el("div", { class: "sv-cross" });
    root.appendChild(this.cross);
    this.helpBox = el("div", { class: "sv-help" }, HELP_WALK + (this.opts.edit ? HELP_EDIT : ""));
    root.appendChild(this.helpBox);
    this.msg = el("div", { class: "sv-msg", role: "status" });
    root.appendChild(this.msg);
    const mm = el("canvas", { class: "sv-minimap" });
    root.appendChild(mm);
    this.minimap = new Minimap(mm);
    this.modebar = el("div", { class: "sv-modebar" });
    const modes = [["walk", "Walk"], ["fly", "Fly"]];
    if (this.opts.edit) modes.push(["edit", "Edit"]);
    for (const [m, label] of modes) {
      const b = el("button", { "data-mode": m, type: "button" }, label);
      b.addEventListener("click", () => this.setMode(m));
      this.modebar.appendChild(b);
    }
    const reset = el("button", { type: "button", "data-action": "reset" }, "Reset");
    reset.addEventListener("click", () => this.resetToSpawn());
    this.modebar.appendChild(reset);
    root.appendChild(this.modebar);
    if (this.opts.edit) root.appendChild(this._buildTools());
    this.container.appendChild(root);
    this._updateModebar();
  }

  _buildTools() {
    const t = el("div", { class: "sv-tools" });
    t.innerHTML = `
      <div class="sv-row"><b>Select</b>
        <select data-k="shape" title="sphere / box around the clicked point, or ray: the splat under the cursor and its neighbours"><option value="sphere">sphere</option><option value="box">box</option><option value="ray">ray</option></select>
        size <input data-k="size" type="number" value="1.0" min="0.05" max="50" step="0.1">
        <button data-op="clear" type="button">Clear</button></div>
      <div class="sv-row"><button data-op="delete" type="button">Delete</button>
        <button data-op="move" type="button">Move</button><input data-k="move" class="sv-vec" value="0 0.5 0" title="dx dy dz (m)">
        <button data-op="rotate" type="button">Rotate</button><input data-k="angle" type="number" value="30" title="degrees about +Y"></div>
      <div class="sv-row"><button data-op="scale" type="button">Scale</button><input data-k="factor" type="number" value="1.5" step="0.1">
        <button data-op="recolor" type="button">Recolour</button><input data-k="color" type="color" value="#e04040"></div>
      <div class="sv-row"><button data-op="insert_primitive" type="button">Insert</button>
        <select data-k="primitive"><option>box</option><option>sphere</option><option>cylinder</option></select>
        <button data-op="drop_object" type="button" title="insert it above the point and let it fall (rigid-body physics)">Drop object</button>
        <button data-op="drop_selection" type="button" title="the selection falls as one rigid body and comes to rest">Drop selection</button>
        <label><button data-op="mesh" type="button">Insert mesh…</button><input data-k="mesh" type="file" accept=".glb,.obj,.ply,.stl" style="display:none"></label></div>
      <div class="sv-row"><input data-k="text" class="sv-text" placeholder="say an edit: add a well in front of me" title="add / remove / make the X blue or bigger / make it night / more trees (docs/edits.md)">
        <button data-op="text" type="button">Do it</button></div>
      <div class="sv-row"><b>Expand</b> <button data-op="expand" data-side="north" type="button">N</button><button data-op="expand" data-side="south" type="button">S</button><button data-op="expand" data-side="east" type="button">E</button><button data-op="expand" data-side="west" type="button">W</button>
        <b>Block</b> <select data-k="block"><option>box</option><option>plane</option><option>cylinder</option></select>
        <input data-k="bsize" class="sv-vec" value="4 4 4" title="size x y z (m); a cylinder: diameter, height"><input data-k="bkind" class="sv-kind" placeholder="kind (auto)" size="9">
        <button data-op="block" type="button" title="a block at the selection (or ahead), dressed with an asset of the world's style">Place</button></div>
      <div class="sv-row"><button data-op="undo" type="button">Undo</button><button data-op="redo" type="button">Redo</button>
        <span class="sv-selinfo">click the world to select</span></div>`;
    this.tools = t;
    t.addEventListener("click", (ev) => {
      const b = ev.target.closest("button[data-op]");
      if (!b) return;
      const op = b.dataset.op;
      if (op === "clear") return this.setSelection(null);
      if (op === "undo") return this.undo();
      if (op === "redo") return this.redo();
      if (op === "mesh") return t.querySelector('[data-k="mesh"]').click();
      if (op === "text") return this.editText(t.querySelector('[data-k="text"]').value).catch(() => {});
      if (op === "expand") return this.expand(b.dataset.side).catch(() => {});
      if (op === "block") return this.placeBlock(this._blockParams()).catch(() => {});
      this.runEdit(op, this._toolParams(op)).catch(() => {});
    });
    t.querySelector('[data-k="mesh"]').addEventListener("change", (ev) => {
      const f = ev.target.files && ev.target.files[0];
      if (f) this.insertMesh(f).catch(() => {});
      ev.target.value = "";
    });
    for (const k of ["shape", "size"]) {
      t.querySelector(`[data-k="${k}"]`).addEventListener("change", () => {
        if (this.selection) this.setSelection({ ...this.selection, ...this._selShape() });
      });
    }
    t.querySelector('[data-k="text"]').addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") this.editText(ev.target.value).catch(() => {});
    });
    // Keys typed into the toolbar's inputs must not move the walker.
    t.addEventListener("keydown", (ev) => ev.stopPropagation());
    return t;
  }

  _tool(k) {
    return this.tools.querySelector(`[data-k="${k}"]`);
  }

  _selShape() {
    return { shape: this._tool("shape").value, size: Math.max(0.05, parseFloat(this._tool("size").value) || 1) };
  }

  _toolParams(op) {
    if (op === "move") {
      const v = this._tool("move").value.trim().split(/[\s,]+/).map(Number);
      return { offset: [v[0] || 0, v[1] || 0, v[2] || 0] };
    }
    if (op === "rotate") return { angle_deg: parseFloat(this._tool("angle").value) || 0, axis: [0, 1, 0] };
    if (op === "scale") return { factor: parseFloat(this._tool("factor").value) || 1 };
    if (op === "recolor") {
      const c = new THREE.Color(this._tool("color").value);
      return { color: [c.r, c.g, c.b] };
    }
    if (op === "insert_primitive" || op === "drop_object") {
      const c = new THREE.Color(this._tool("color").value);
      return { primitive: this._tool("primitive").value, size: Math.min(2, this._selShape().size / 2), color: [c.r, c.g, c.b] };
    }
    return {};
  }

  // ------------------------------------------------------------------ input
  _bindInput() {
    const target = this.opts.keysOnCanvas ? this.canvas : window;
    target.addEventListener("keydown", (ev) => this._onKey(ev, true));
    target.addEventListener("keyup", (ev) => this._onKey(ev, false));
    this.canvas.addEventListener("blur", () => this.keys.clear());
    let dragging = false;
    let moved = 0;
    this.canvas.addEventListener("mousedown", (ev) => {
      this.canvas.focus();
      dragging = true;
      moved = 0;
    });
    window.addEventListener("mouseup", (ev) => {
      if (dragging && moved < 4 && ev.target === this.canvas) this._onClick(ev);
      dragging = false;
    });
    this.canvas.addEventListener("mousemove", (ev) => {
      const locked = document.pointerLockElement === this.canvas;
      if (!locked && !(dragging && this.mode !== "edit")) {
        if (dragging) moved += Math.abs(ev.movementX) + Math.abs(ev.movementY);
        return;
      }
      moved += Math.abs(ev.movementX) + Math.abs(ev.movementY);
      const s = locked ? 0.0022 : 0.005;
      this.walker.yaw -= ev.movementX * s;
      this.walker.pitch = Math.max(-1.5, Math.min(1.5, this.walker.pitch - ev.movementY * s));
    });
  }

  _onKey(ev, down) {
    const code = ev.code;
    if (down && !ev.repeat) {
      if (!this.opts.edit) {
        if (code === "KeyF") this.setMode(this.mode === "fly" ? "walk" : "fly");
        else if (code === "KeyR") this.resetToSpawn();
        else if (code === "KeyH") this.helpBox.style.display = this.helpBox.style.display === "none" ? "" : "none";
      } else if ((ev.ctrlKey || ev.metaKey) && code === "KeyZ") {
        ev.preventDefault();
        this.undo().catch(() => {});
        return;
      } else if ((ev.ctrlKey || ev.metaKey) && code === "KeyY") {
        ev.preventDefault();
        this.redo().catch(() => {});
        return;
      } else if (code === "KeyF") this.setMode(this.mode === "fly" ? "walk" : "fly");
      else if (code === "KeyE") this.setMode(this.mode === "edit" ? "walk" : "edit");
      else if (code === "KeyR") this.resetToSpawn();
      else if (code === "KeyH") this.helpBox.style.display = this.helpBox.style.display === "none" ? "" : "none";
      else if (code === "Delete" && this.mode === "edit" && this.selection) this.runEdit("delete", {}).catch(() => {});
    }
    if (["KeyW", "KeyA", "KeyS", "KeyD", "Space", "KeyC", "ShiftLeft", "ShiftRight", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"].includes(code)) {
      ev.preventDefault();
      if (down) this.keys.add(code);
      else this.keys.delete(code);
    }
  }

  _onClick(ev) {
    if (this.mode === "edit") {
      const r = this.canvas.getBoundingClientRect();
      const x = ((ev.clientX - r.left) / r.width) * 2 - 1;
      const y = -((ev.clientY - r.top) / r.height) * 2 + 1;
      const hit = this.pickAt(x, y);
      if (!hit) return this.toast("nothing under the cursor");
      const o = this.camera.position;
      const d = [hit[0] - o.x, hit[1] - o.y, hit[2] - o.z];
      this.setSelection({ ...this._selShape(), center: hit, origin: [o.x, o.y, o.z], direction: d });
    } else if (this.canvas.requestPointerLock) {
      try {
        const p = this.canvas.requestPointerLock();
        if (p && p.catch) p.catch(() => {});
      } catch (e) {
        /* pointer lock is optional (headless browsers refuse it) */
      }
    }
  }

  // ------------------------------------------------------------------ modes, camera
  setMode(mode) {
    if (!["walk", "fly", "edit"].includes(mode) || (mode === "edit" && !this.opts.edit)) throw new Error(`unknown mode ${mode}`);
    const wasFly = this.walker.fly;
    this.mode = mode;
    this.walker.fly = mode === "fly" || (mode === "edit" && wasFly);
    if (wasFly && !this.walker.fly) this.walker.vy = 0;
    this.root.classList.toggle("sv-edit", mode === "edit");
    if (mode === "edit" && document.pointerLockElement === this.canvas) document.exitPointerLock();
    this._updateModebar();
    this._emit("mode", mode);
  }

  _updateModebar() {
    for (const b of this.modebar.querySelectorAll("button[data-mode]")) b.classList.toggle("sv-on", b.dataset.mode === this.mode);
  }

  setParams(p) {
    this.params = { ...DEFAULT_PARAMS, ...p };
    this.walker.params = this.params;
  }

  resetToSpawn() {
    const s = (this.info && this.info.spawn) || { position: [0, 0, 0], yaw_deg: 0 };
    this.walker.reset(s.position, ((s.yaw_deg || 0) * Math.PI) / 180, 0);
    this._syncCamera();
  }

  setCamera({ position, yaw, pitch } = {}) {
    if (position) this.walker.reset([position[0], position[1] - this.params.eye_height, position[2]], yaw ?? this.walker.yaw, pitch ?? this.walker.pitch);
    else {
      if (yaw !== undefined) this.walker.yaw = yaw;
      if (pitch !== undefined) this.walker.pitch = pitch;
    }
    this._syncCamera();
  }

  /** Camera state: eye position, feet, yaw/pitch (radians), grounded, mode, world version. */
  getCamera() {
    const e = this.walker.eye();
    const f = this.walker.feet;
    return {
      position: [e.x, e.y, e.z],
      feet: [f.x, f.y, f.z],
      yaw: this.walker.yaw,
      pitch: this.walker.pitch,
      grounded: this.walker.grounded,
      mode: this.mode,
      world: this.info && this.info.id,
      version: this.info && this.info.version,
      steps: this.steps,
      frames: this.frames,
    };
  }

  _syncCamera() {
    const e = this.walker.eye();
    this.camera.position.set(e.x, e.y, e.z);
    this.camera.rotation.set(this.walker.pitch, this.walker.yaw, 0, "YXZ");
  }

  /** Stop or resume real-time simulation (rendering always continues). Tests use `step` instead. */
  setRealtime(on) {
    this.realtime = !!on;
    this._acc = 0;
  }

  /** Deterministic test hook: advance `n` fixed steps of 1/60 s with `keys` held (array of KeyboardEvent.code). */
  step(n = 1, keys = null) {
    const input = keyInput(keys ? new Set(keys) : this.keys);
    for (let i = 0; i < n; i++) {
      this.walker.step(DT, input);
      this.steps++;
    }
    this._syncCamera();
    return this.getCamera();
  }

  /** Resolve after `n` more frames have been rendered. */
  waitFrames(n = 2) {
    const target = this.frames + n;
    return new Promise((resolve) => this._frameWaiters.push({ target, resolve }));
  }

  // ------------------------------------------------------------------ render loop
  _resize() {
    const r = this.root.getBoundingClientRect();
    const w = Math.max(2, Math.floor(r.width));
    const h = Math.max(2, Math.floor(r.height));
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
  }

  _loop(t) {
    if (this.disposed) return;
    requestAnimationFrame(this._loop);
    const dt = Math.min(0.25, (t - this._lastT) / 1000);
    this._lastT = t;
    if (dt > 0) this._fps = this._fps * 0.9 + (1 / dt) * 0.1;
    if (this.realtime && this.info) {
      this._acc += dt;
      const input = keyInput(this.keys);
      let n = 0;
      while (this._acc >= DT && n < MAX_STEPS_PER_FRAME) {
        this.walker.step(DT, input);
        this.steps++;
        this._acc -= DT;
        n++;
      }
      if (n === MAX_STEPS_PER_FRAME) this._acc = 0; // slow machine: drop the backlog
    }
    this._syncCamera();
    this.renderer.render(this.scene, this.camera);
    this.frames++;
    if (this.frames % 4 === 0) this._drawHud();
    this._frameWaiters = this._frameWaiters.filter((w) => {
      if (this.frames >= w.target) {
        w.resolve(this.frames);
        return false;
      }
      return true;
    });
  }

  _drawHud() {
    const i = this.info;
    const title = i ? `${i.name}` : "no world";
    const ver = i ? ` · v${i.version}` : "";
    const n = i && i.counts ? ` · ${i.counts.splats.toLocaleString()} splats` : "";
    const f = this.walker.feet;
    this.hud.querySelector(".sv-title").textContent = title + ver;
    this.hud.querySelector(".sv-stats").textContent = `${this.mode}${n} · ${this._fps.toFixed(0)} fps · (${f.x.toFixed(1)}, ${f.y.toFixed(1)}, ${f.z.toFixed(1)})`;
    this.minimap.draw(f, this.walker.yaw);
  }

  toast(text, error = false, ms = 4000) {
    this.msg.textContent = text;
    this.msg.classList.toggle("sv-error", !!error);
    this.msg.style.display = "block";
    clearTimeout(this._toastTimer);
    this._toastTimer = setTimeout(() => (this.msg.style.display = "none"), ms);
  }

  // ------------------------------------------------------------------ loading worlds
  /** Open world `id` (optionally a given version); keeps the walker where it is when `keepPose`. */
  async open(id, { version = null, keepPose = false } = {}) {
    const q = version ? `?version=${encodeURIComponent(version)}` : "";
    const r = await fetch(this._url(`/api/worlds/${encodeURIComponent(id)}${q}`));
    if (!r.ok) {
      const msg = await this._errorText(r);
      this.toast(msg, true);
      throw new Error(msg);
    }
    const info = await r.json();
    await this.load(info, { keepPose });
    return info;
  }

  /** Show the world described by `info` (as returned by `GET /api/worlds/{id}`). */
  async load(info, { keepPose = false } = {}) {
    const same = this.info && this.info.id === info.id;
    const job = (async () => {
      const [splats, collider] = await Promise.all([this._loadSplats(info), this._loadCollider(info)]);
      // Show the new splats before removing the old ones: Spark needs a few frames after
      // `initialized` (GPU upload, sort) before a mesh appears, and a swap should not flash empty.
      const old = this.splatMesh;
      this.splatMesh = splats;
      this.scene.add(splats);
      if (old) {
        await this.waitFrames(4);
        this.scene.remove(old);
        old.dispose();
      }
      if (this.colliderMesh) this.colliderMesh.geometry.dispose();
      this.colliderMesh = collider.mesh;
      const pose = keepPose && same ? { feet: { ...this.walker.feet }, yaw: this.walker.yaw, pitch: this.walker.pitch } : null;
      this.walker.setCollider(collider.vertices, collider.indices);
      this.info = info;
      if (pose) {
        this.walker.reset([pose.feet.x, pose.feet.y, pose.feet.z], pose.yaw, pose.pitch);
      } else {
        this.resetToSpawn();
        this.setSelection(null);
      }
      const b = info.bounds;
      this.minimap.build(b, (x, z, y) => this.walker.groundAt(x, z, y));
      this._syncCamera();
      this._emit("load", info);
      return info;
    })();
    this.loading = job;
    try {
      await job;
      this.loadedVersion = info.version;
    } catch (e) {
      this.error = String(e);
      this.toast(`could not load the world: ${e.message || e}`, true);
      throw e;
    }
    return info;
  }

  async _loadSplats(info) {
    const url = this._url(info.files.splats);
    const mesh = new SplatMesh({ url, raycastable: true });
    // spatial's world frame is glTF's (= three.js's). PLY/.splat files store RDF (x and y flipped),
    // SPZ stores RUB (x and z flipped): rotate 180 degrees back (docs/conventions.md).
    const fmt = info.files.splats_format || "ply";
    if (fmt === "spz") mesh.quaternion.set(0, 1, 0, 0);
    else mesh.quaternion.set(0, 0, 1, 0);
    await mesh.initialized;
    return mesh;
  }

  async _loadCollider(info) {
    if (!info.files.collider) return { vertices: null, indices: null, mesh: null };
    const r = await fetch(this._url(info.files.collider));
    if (!r.ok) throw new Error(`collider: HTTP ${r.status}`);
    const buf = await r.arrayBuffer();
    const gltf = await new GLTFLoader().parseAsync(buf, "");
    const { vertices, indices } = mergeMeshes(gltf.scene);
    const g = new THREE.BufferGeometry();
    g.setAttribute("position", new THREE.BufferAttribute(vertices, 3));
    g.setIndex(new THREE.BufferAttribute(indices, 1));
    g.computeBoundingSphere();
    const mesh = new THREE.Mesh(g, new THREE.MeshBasicMaterial({ side: THREE.DoubleSide }));
    return { vertices, indices, mesh };
  }

  // ------------------------------------------------------------------ picking and selection
  /** World point under normalised device coordinates (x, y in [-1, 1]): collider first, then splats. */
  pickAt(x, y) {
    this._syncCamera();
    this.camera.updateMatrixWorld(true);
    const ray = new THREE.Raycaster();
    ray.setFromCamera(new THREE.Vector2(x, y), this.camera);
    let best = null;
    if (this.colliderMesh) {
      const hits = ray.intersectObject(this.colliderMesh, false);
      if (hits.length) best = hits[0];
    }
    if (this.splatMesh) {
      try {
        const hits = ray.intersectObject(this.splatMesh, false);
        if (hits.length && (!best || hits[0].distance < best.distance)) best = hits[0];
      } catch (e) {
        /* splat raycast is best effort */
      }
    }
    return best ? [best.point.x, best.point.y, best.point.z] : null;
  }

  /** Set (or clear with null) the selection: {shape: "sphere"|"box", center: [x,y,z], size: m}. */
  setSelection(sel) {
    if (this.selectionHelper) {
      this.scene.remove(this.selectionHelper);
      this.selectionHelper.geometry.dispose();
      this.selectionHelper = null;
    }
    this.selection = sel ? { shape: sel.shape || "sphere", center: [...sel.center], size: +sel.size || 1 } : null;
    if (this.selection && sel.origin && sel.direction) {
      this.selection.origin = [...sel.origin];
      this.selection.direction = [...sel.direction];
    }
    const info = this.tools && this.tools.querySelector(".sv-selinfo");
    if (this.selection) {
      const s = this.selection;
      const r = s.shape === "ray" ? Math.max(s.size, 0.05) : s.size;
      const geom = s.shape === "box" ? new THREE.BoxGeometry(2 * r, 2 * r, 2 * r) : new THREE.SphereGeometry(r, 20, 12);
      const helper = new THREE.LineSegments(new THREE.WireframeGeometry(geom), new THREE.LineBasicMaterial({ color: 0x4fd1ff }));
      geom.dispose();
      helper.position.set(...s.center);
      this.scene.add(helper);
      this.selectionHelper = helper;
      if (info) info.textContent = `${s.shape} ${s.size.toFixed(2)} m at (${s.center.map((v) => v.toFixed(1)).join(", ")})`;
    } else if (info) info.textContent = "click the world to select";
    this._emit("select", this.selection);
  }

  /** Show or hide the selection outline (tests hide it to compare images). */
  showSelection(on) {
    if (this.selectionHelper) this.selectionHelper.visible = !!on;
  }

  // ------------------------------------------------------------------ edits (server side, versioned)
  async _errorText(r) {
    try {
      const j = await r.json();
      return j.detail ? (typeof j.detail === "string" ? j.detail : JSON.stringify(j.detail)) : `HTTP ${r.status}`;
    } catch (e) {
      return `HTTP ${r.status}`;
    }
  }

  /** The page's CSRF token (GET /api/session; sent as X-Spatial-Token on every change). */
  async _token(refresh = false) {
    if (!this._tokenPromise || refresh) {
      this._tokenPromise = fetch(this._url("/api/session"), { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : {}))
        .then((j) => j.token || "");
    }
    return this._tokenPromise;
  }

  async _post(path, body, isForm = false) {
    const send = async (token) => fetch(this._url(path), {
      method: "POST",
      credentials: "same-origin",
      headers: { ...(isForm ? {} : { "Content-Type": "application/json" }), "X-Spatial-Token": token },
      body: isForm ? body : JSON.stringify(body),
    });
    let r = await send(await this._token());
    if (r.status === 403) r = await send(await this._token(true)); // the server restarted: new secret
    if (!r.ok) {
      const msg = await this._errorText(r);
      this.toast(msg, true, 6000);
      throw new Error(msg);
    }
    const info = await r.json();
    await this.load(info, { keepPose: true });
    this._emit("change", info);
    return info;
  }

  _worldPath(suffix) {
    return `/api/worlds/${encodeURIComponent(this.info.id)}/${suffix}`;
  }

  /** The current selection as a spatial selection (docs/edits.md), or null. */
  selectionJSON(sel = this.selection) {
    if (!sel) return null;
    if (sel.shape === "box") return { type: "box", center: sel.center, size: [2 * sel.size, 2 * sel.size, 2 * sel.size] };
    if (sel.shape === "ray" && sel.origin && sel.direction) {
      return { type: "ray", origin: sel.origin, direction: sel.direction, radius: sel.size };
    }
    return { type: "sphere", center: sel.center, radius: sel.size };
  }

  /** Where an insert goes without a selection: on the ground 2.5 m in front of the walker. */
  _spotAhead(d = 2.5) {
    const f = this.walker.feet;
    const x = f.x - Math.sin(this.walker.yaw) * d;
    const z = f.z - Math.cos(this.walker.yaw) * d;
    const g = this.walker.groundAt(x, z, f.y + 1.5);
    return [x, g ? g.y : f.y, z];
  }

  /** Send a spatial edit op (JSON, docs/edits.md) based on the version shown; resolves with the new version's info. */
  async applyOp(op) {
    if (!this.info) throw new Error("no world open");
    const info = await this._post(this._worldPath("edit"), { op, parent: this.info.version });
    this.toast(`${op.op}: saved as version ${info.version}`);
    return info;
  }

  /**
   * Run a toolbar action: delete, move, rotate, scale, recolor, duplicate (on the selection),
   * insert_primitive, drop_object (at the selection or ahead of the walker), drop_selection.
   */
  async runEdit(action, params = {}) {
    if (!this.info) throw new Error("no world open");
    if (action === "insert_primitive" || action === "drop_object") {
      const position = this.selection ? this.selection.center : this._spotAhead();
      const body = { ...params, position, drop: action === "drop_object", parent: this.info.version };
      const info = await this._post(this._worldPath("insert"), body);
      this.toast(`${action === "drop_object" ? "dropped" : "inserted"} ${params.primitive || "box"}: version ${info.version}`);
      return info;
    }
    const select = this.selectionJSON();
    if (!select) {
      this.toast("select something first (edit mode: click the world)", true);
      throw new Error("no selection");
    }
    if (action === "drop_selection") {
      const info = await this._post(this._worldPath("drop"), { select, parent: this.info.version });
      this.toast(`selection dropped: version ${info.version}`);
      return info;
    }
    const build = OP_BUILDERS[action];
    if (!build) throw new Error(`unknown edit ${action}`);
    return this.applyOp(build(select, params));
  }

  /** An edit sentence (docs/edits.md "Text edits"), read where the walker stands and looks; resolves with the info. */
  async editText(sentence) {
    if (!this.info) throw new Error("no world open");
    const f = this.walker.feet;
    const body = { text: String(sentence || ""), position: [f.x, f.y, f.z], yaw_deg: (this.walker.yaw * 180) / Math.PI,
      parent: this.info.version };
    const info = await this._post(this._worldPath("text"), body);
    const t = info.text || {};
    this.toast(t.ok ? `${t.answer} Version ${info.version}.` : t.answer || "not done", !t.ok, 6000);
    return info;
  }

  /** Grow the world past its edge on a side (north = -Z, south, east, west): a tile outdoors, a room indoors. */
  async expand(side) {
    const info = await this.applyOp({ op: "expand", side });
    return info;
  }

  _blockParams() {
    const t = this.tools;
    const shape = t.querySelector('[data-k="block"]').value;
    const v = t.querySelector('[data-k="bsize"]').value.trim().split(/[\s,]+/).map(Number);
    const kind = t.querySelector('[data-k="bkind"]').value.trim();
    return { shape, size: v, kind: kind || undefined };
  }

  /** A block-out block (box / plane / cylinder) at the selection or ahead, dressed by the server (op "block"). */
  async placeBlock({ shape = "box", size = [4, 4, 4], kind, yaw_deg } = {}) {
    const p = this.selection ? this.selection.center : this._spotAhead(4 + Math.max(...size) / 2);
    const s = size.length === 3 ? size : [size[0], size[1] || size[0], size[0]];
    const op = { op: "block", shape, position: [p[0], p[2]], size: shape === "cylinder" ? [s[0], s[1], s[0]] : s,
      yaw_deg: yaw_deg === undefined ? (this.walker.yaw * 180) / Math.PI : yaw_deg };
    if (kind) op.kind = kind;
    return this.applyOp(op);
  }

  async insertMesh(file, { drop = false } = {}) {
    if (!this.info) throw new Error("no world open");
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("position", JSON.stringify(this.selection ? this.selection.center : this._spotAhead(3)));
    form.append("size", String(this.selection ? this.selection.size : 1));
    form.append("drop", drop ? "true" : "false");
    form.append("parent", String(this.info.version));
    const info = await this._post(this._worldPath("insert-mesh"), form, true);
    this.toast(`mesh inserted: version ${info.version}`);
    return info;
  }

  async undo() {
    if (!this.info) return null;
    const info = await this._post(this._worldPath("undo"), { parent: this.info.version });
    this.toast(`undo: now at version ${info.version}`);
    return info;
  }

  async redo() {
    if (!this.info) return null;
    const info = await this._post(this._worldPath("redo"), { parent: this.info.version });
    this.toast(`redo: now at version ${info.version}`);
    return info;
  }

  dispose() {
    this.disposed = true;
    this._resizeObserver.disconnect();
    this.walker.dispose();
    this.renderer.dispose();
    this.root.remove();
  }
}

/** Create a viewer inside `container`; resolves once WebGL, Rapier and the controller parameters are ready. */
export async function createViewer(container, opts = {}) {
  const v = new Viewer(container, opts);
  if (opts.exposeGlobal !== false) window.spatialViewer = v;
  await v.init();
  return v;
}
