// Top-down minimap with a compass: the world's collider seen from above (height-shaded, sampled with
// downward rays once per world), the walker as an arrow and "N" pointing to -Z.

export class Minimap {
  constructor(canvas, size = 132) {
    this.canvas = canvas;
    this.size = size;
    canvas.width = size;
    canvas.height = size;
    this.ctx = canvas.getContext("2d");
    this.base = null; // ImageData of the terrain
    this.bounds = null; // {minX, minZ, span}
  }

  /** Sample the collider with `groundAt(x, z, fromY)` on a grid covering `box` {min:[x,y,z], max:[x,y,z]}. */
  build(box, groundAt, res = 64) {
    if (!box) {
      this.base = null;
      return;
    }
    const [x0, y0, z0] = box.min;
    const [x1, y1, z1] = box.max;
    const cx = (x0 + x1) / 2;
    const cz = (z0 + z1) / 2;
    const span = Math.max(x1 - x0, z1 - z0, 1) * 1.05;
    this.bounds = { minX: cx - span / 2, minZ: cz - span / 2, span };
    const top = y1 + 1;
    const lo = y0;
    const hi = Math.max(y1, y0 + 1e-3);
    const img = this.ctx.createImageData(res, res);
    for (let j = 0; j < res; j++) {
      for (let i = 0; i < res; i++) {
        const x = this.bounds.minX + ((i + 0.5) / res) * span;
        const z = this.bounds.minZ + ((j + 0.5) / res) * span;
        const g = groundAt(x, z, top);
        const k = 4 * (j * res + i);
        if (!g) {
          img.data[k] = 20; img.data[k + 1] = 24; img.data[k + 2] = 32; img.data[k + 3] = 200;
          continue;
        }
        const t = Math.min(1, Math.max(0, (g.y - lo) / (hi - lo)));
        const shade = 0.55 + 0.45 * Math.abs(g.ny);
        const steep = Math.abs(g.ny) < 0.7; // walls and cliffs drawn light
        // low ground green, high ground sand, walls light
        const r = steep ? 235 : 70 + 170 * t;
        const gg = steep ? 230 : 130 + 80 * t;
        const b = steep ? 215 : 70 + 90 * t;
        img.data[k] = r * shade; img.data[k + 1] = gg * shade; img.data[k + 2] = b * shade; img.data[k + 3] = 230;
      }
    }
    const off = document.createElement("canvas");
    off.width = res;
    off.height = res;
    off.getContext("2d").putImageData(img, 0, 0);
    this.base = off;
  }

  draw(feet, yaw) {
    const { ctx, size } = this;
    ctx.clearRect(0, 0, size, size);
    ctx.save();
    ctx.beginPath();
    ctx.arc(size / 2, size / 2, size / 2 - 1, 0, Math.PI * 2);
    ctx.clip();
    ctx.fillStyle = "rgba(12,14,20,0.75)";
    ctx.fillRect(0, 0, size, size);
    let px = size / 2;
    let pz = size / 2;
    if (this.base && this.bounds) {
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(this.base, 0, 0, size, size);
      px = ((feet.x - this.bounds.minX) / this.bounds.span) * size;
      pz = ((feet.z - this.bounds.minZ) / this.bounds.span) * size;
    }
    // Walker arrow: screen up = -Z (north); yaw 0 looks north, positive yaw turns left.
    ctx.translate(px, pz);
    ctx.rotate(-yaw);
    ctx.fillStyle = "#ff5a36";
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 1.2;
    ctx.beginPath();
    ctx.moveTo(0, -8);
    ctx.lineTo(5, 6);
    ctx.lineTo(0, 3);
    ctx.lineTo(-5, 6);
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
    ctx.restore();
    // Compass ring.
    ctx.strokeStyle = "rgba(255,255,255,0.6)";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(size / 2, size / 2, size / 2 - 1, 0, Math.PI * 2);
    ctx.stroke();
    ctx.fillStyle = "#fff";
    ctx.font = "bold 11px sans-serif";
    ctx.textAlign = "center";
    ctx.fillText("N", size / 2, 12);
  }
}
