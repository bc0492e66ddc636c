// Run by package.json's postinstall. Writes node_modules/.saduak/charts/:
// - chart-library.js: library.mjs bundled for the browser by esbuild;
// - thailand-provinces.json: the 77 provinces of npm @svg-maps/thailand
//   (CC-BY-4.0, by Tae Noppakun Wongsrinoppakun) as GeoJSON in the SVG's own
//   projected coordinates (x right, y down), drawn with an identity projection.
//   Each feature's id is the map's short name ("cmi"); the DOPA code of each is
//   saduak/performance/reports/provinces.py's table. Lake Songkhla is not a
//   province and is left out.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import thailand from "@svg-maps/thailand";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "node_modules", ".saduak", "charts");
const NOT_PROVINCES = new Set(["lksg"]);

// The map's paths use only relative moveto/lineto ("m x,y dx,dy ...") and
// closepath ("z"), each subpath one ring.
export function rings(path) {
  const tokens = path.match(/[mzMZ]|-?\d*\.?\d+(?:e-?\d+)?/g);
  const found = [];
  let x = 0;
  let y = 0;
  let start = [0, 0];
  let ring = null;
  let numbers = [];
  const flush = () => {
    for (let i = 0; i + 1 < numbers.length; i += 2) {
      if (ring === null) throw new Error("a line before any move");
      if (ring.length === 0) {
        x = numbers[i];
        y = numbers[i + 1];
      } else {
        x += numbers[i];
        y += numbers[i + 1];
      }
      ring.push([round(x), round(y)]);
    }
    numbers = [];
  };
  for (const token of tokens) {
    if (token === "m" || token === "M") {
      flush();
      if (ring && ring.length) found.push(close(ring));
      ring = [];
      if (token === "m" && found.length) {
        // After a close, a relative move starts from the closed subpath's start.
        x = start[0];
        y = start[1];
        ring.push(null);
      }
    } else if (token === "z" || token === "Z") {
      flush();
      if (ring && ring.length) {
        found.push(close(ring));
        start = found[found.length - 1][0];
        x = start[0];
        y = start[1];
      }
      ring = null;
    } else {
      numbers.push(Number(token));
      if (ring && ring[0] === null && numbers.length === 2) {
        ring.shift();
        x += numbers[0];
        y += numbers[1];
        ring.push([round(x), round(y)]);
        numbers = [];
      }
    }
  }
  flush();
  if (ring && ring.length) found.push(close(ring));
  return found;
}

function round(value) {
  return Math.round(value * 10) / 10;
}

function close(ring) {
  const [first, last] = [ring[0], ring[ring.length - 1]];
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push([...first]);
  return ring;
}

function provinces() {
  const features = thailand.locations
    .filter((location) => !NOT_PROVINCES.has(location.id))
    .map((location) => ({
      type: "Feature",
      id: location.id,
      properties: { name: location.name },
      geometry: {
        type: "MultiPolygon",
        coordinates: rings(location.path).map((ring) => [ring]),
      },
    }));
  return {
    type: "FeatureCollection",
    attribution:
      "Map of Thailand, @svg-maps/thailand by Tae Noppakun Wongsrinoppakun, CC BY 4.0",
    features,
  };
}

mkdirSync(out, { recursive: true });
writeFileSync(join(out, "thailand-provinces.json"), JSON.stringify(provinces()));
await build({
  entryPoints: [join(here, "library.mjs")],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2017",
  logLevel: "warning",
  outfile: join(out, "chart-library.js"),
});
