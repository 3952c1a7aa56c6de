// Validate a glTF/GLB with the Khronos glTF-Validator (npm gltf-validator 2.0.0-dev.3.10).
//
//   node tests/node/validate_gltf.mjs FILE.glb [--json]
//
// The validator predates KHR_gaussian_splatting and reports every `KHR_gaussian_splatting:*` attribute
// name as MESH_PRIMITIVE_INVALID_ATTRIBUTE; those reports (and only those) are filtered out. Everything
// else counts. Exit code: 0 = no errors left, 1 = errors, 2 = the validator could not run.
// With --json the full result is printed as one JSON object:
//   {errors: [{code, pointer, message}], numErrors, numWarnings, numInfos, filtered, generator}
import fs from 'node:fs';
import path from 'node:path';
import validator from 'gltf-validator';

const file = process.argv[2];
const asJson = process.argv.includes('--json');
if (!file) {
    console.error('usage: node validate_gltf.mjs FILE.glb|FILE.gltf [--json]');
    process.exit(2);
}
const dir = path.dirname(path.resolve(file));
const isSplatAttr = (m) => m.code === 'MESH_PRIMITIVE_INVALID_ATTRIBUTE' &&
    (m.pointer || '').includes('/attributes/KHR_gaussian_splatting:');

validator.validateBytes(new Uint8Array(fs.readFileSync(file)), {
    maxIssues: 0,
    uri: path.basename(file),
    externalResourceFunction: (uri) => new Promise((resolve, reject) => {
        const target = path.resolve(dir, decodeURIComponent(uri));
        if (!target.startsWith(dir + path.sep)) { reject(new Error(`outside folder: ${uri}`)); return; }
        fs.readFile(target, (err, data) => (err ? reject(err) : resolve(new Uint8Array(data))));
    }),
}).then((report) => {
    const messages = report.issues.messages;
    const errors = messages.filter((m) => m.severity === 0 && !isSplatAttr(m))
        .map(({ code, pointer, message }) => ({ code, pointer, message }));
    const filtered = messages.filter(isSplatAttr).length;
    const result = {
        errors,
        numErrors: errors.length,
        numWarnings: report.issues.numWarnings,
        numInfos: report.issues.numInfos,
        filtered,
        generator: report.info ? report.info.generator : undefined,
    };
    if (asJson) {
        console.log(JSON.stringify(result));
    } else {
        errors.forEach((m) => console.log(m.code, m.pointer, m.message));
        console.log(`${errors.length} errors (after filtering ${filtered} KHR_gaussian_splatting attribute reports), ` +
            `${result.numWarnings} warnings`);
    }
    process.exit(errors.length ? 1 : 0);
}, (err) => {
    console.error(String(err));
    process.exit(2);
});
