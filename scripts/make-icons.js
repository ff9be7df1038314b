/*
 * Draws the installable app's icons (public/icons/*.png): a white five-pointed star on the
 * brand red, the same mark as the header's ★. Run once by hand (`node scripts/make-icons.js`,
 * needs the dev dependency pngjs); the PNGs are committed.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { PNG } = require('pngjs');

function inside(points, x, y) {
  let hit = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

function icon(size, starScale) {
  const png = new PNG({ width: size, height: size });
  const c = size / 2;
  const outer = (size / 2) * starScale;
  const star = [];
  for (let k = 0; k < 10; k++) {
    const r = k % 2 === 0 ? outer : outer * 0.382;
    const a = -Math.PI / 2 + (k * Math.PI) / 5;
    star.push([c + r * Math.cos(a), c + 0.06 * size + r * Math.sin(a)]);
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const white = inside(star, x + 0.5, y + 0.5);
      png.data.set(white ? [255, 255, 255, 255] : [155, 28, 28, 255], i);
    }
  }
  return PNG.sync.write(png, { colorType: 2 });
}

const dir = path.join(__dirname, '..', 'public', 'icons');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'icon-192.png'), icon(192, 0.7));
fs.writeFileSync(path.join(dir, 'icon-512.png'), icon(512, 0.7));
// maskable: the star inside the 80 % safe zone
fs.writeFileSync(path.join(dir, 'icon-maskable-512.png'), icon(512, 0.5));
