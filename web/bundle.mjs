// Bundles the CodeMirror modules web/codemirror.js names into the query page's vendored script,
// with a manifest of the npm packages (and versions) that went into it and their licences.
//
//   node web/bundle.mjs          write src/exchange_kg/serve/static/vendor/codemirror.*
//   node web/bundle.mjs --check  exit 1 if the vendored files differ from a fresh bundle
//
// People installing the Python package have no npm: the server serves the vendored files, so
// they are committed, and tests/test_serve_vendored.py checks them against package-lock.json.
import { readFileSync, writeFileSync, readdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "src", "exchange_kg", "serve", "static", "vendor");
const NAME = "codemirror";

function packageOf(input) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match ? match[1] : null;
}

function licenceText(dir) {
  const name = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  if (!name) throw new Error(`${dir} has no licence file`);
  return readFileSync(join(dir, name), "utf8").trim();
}

async function bundle() {
  const result = await esbuild.build({
    entryPoints: [join(ROOT, "web", "codemirror.js")],
    absWorkingDir: ROOT,
    bundle: true,
    format: "iife",
    globalName: "CM",
    minify: true,
    target: "es2020",
    legalComments: "none",
    metafile: true,
    write: false,
  });
  const names = [...new Set(Object.keys(result.metafile.inputs).map(packageOf)
    .filter(Boolean))].sort();
  const packages = {};
  const licences = [];
  for (const name of names) {
    const dir = join(ROOT, "node_modules", name);
    const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    packages[name] = meta.version;
    licences.push(`${name} ${meta.version} (${meta.license})\n\n${licenceText(dir)}\n`);
  }
  const list = names.map((n) => `${n} ${packages[n]}`).join(", ");
  const banner = `/*! CodeMirror 6 for the exchange-kg query page, bundled by web/bundle.mjs ` +
    `with esbuild ${esbuild.version} from ${list}. MIT licence: see ${NAME}.LICENSES.txt */\n`;
  const manifest = { bundler: { esbuild: esbuild.version }, entry: "web/codemirror.js", packages };
  return {
    [`${NAME}.min.js`]: banner + result.outputFiles[0].text,
    [`${NAME}.json`]: JSON.stringify(manifest, null, 2) + "\n",
    [`${NAME}.LICENSES.txt`]: licences.join("\n" + "-".repeat(72) + "\n\n"),
  };
}

const files = await bundle();
if (process.argv.includes("--check")) {
  const stale = Object.keys(files).filter((name) => {
    try {
      return readFileSync(join(OUT, name), "utf8") !== files[name];
    } catch {
      return true;
    }
  });
  if (stale.length) {
    console.error(`out of date: ${stale.join(", ")} (run node web/bundle.mjs)`);
    process.exit(1);
  }
  console.log("vendored files match a fresh bundle");
} else {
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(OUT, name + ".tmp"), text);
    renameSync(join(OUT, name + ".tmp"), join(OUT, name));
  }
  console.log(`wrote ${Object.keys(files).join(", ")} to ${OUT}`);
}
