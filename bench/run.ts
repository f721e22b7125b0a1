/**
 * `npm run bench`: every benchmark, one after the other in one process, each measuring its subject
 * side by side with a baseline on the same files so the ratios are comparable across machines. Every
 * file it writes carries the one stamp taken at the start (commit, machine, date). The evaluations
 * on the LFW and Yale protocols and the scale bench are separate scripts (README, "Numbers").
 */
import { cpus } from 'node:os';
import { benchStamp, writeBenchResult as writeResult } from './bench-results.ts';
import { benchCrops } from './crop-bench.ts';
import { benchCuration } from './curation-bench.ts';
import { benchImport } from './import-bench.ts';
import { benchRelight } from './relight-bench.ts';
import { benchPose } from './pose-bench.ts';
import { benchSynthesis } from './synthesis-bench.ts';
import { benchStylegan } from './stylegan-bench.ts';
import { benchVision } from './vision-bench.ts';

const line = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

const stamp = benchStamp();
const writeBenchResult = (name: string, result: object): string => writeResult(name, result, stamp);

line(`Likeness benchmarks on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);

const imported = await benchImport();
writeBenchResult('import', imported);
line(
  `import     ${imported.importImagesPerSecond} images/s vs raw decode ${imported.decodeImagesPerSecond} images/s ` +
    `(same ${imported.files} files, concurrency ${imported.concurrency}): ratio ${imported.ratio}`,
);

const vision = await benchVision();
writeBenchResult('vision', vision);
line(
  `vision     analyze job ${vision.imagesPerSecond.toFixed(1)} images/s (${vision.embeddingModels.join(' + ')}, ${vision.provider}); ` +
    `${vision.endToEndMsPerImage.toFixed(1)} ms/image vs ${vision.bareInferenceMsPerImage.toFixed(1)} ms bare inference: ratio ${vision.ratio.toFixed(2)}`,
);

const crops = await benchCrops();
writeBenchResult('crop', crops);
for (const [name, c] of Object.entries(crops.collections)) {
  line(
    `crop       ${name}: ${Math.round(c.validShareFfhq * 100)} % → ${Math.round(c.validShareFramed * 100)} % photo; photo vs crop-path cosine ≥ ${c.cosineBothWaysMin}`,
  );
}

const synthesis = await benchSynthesis();
writeBenchResult('synthesis', synthesis);
line(`synthesis  ${JSON.stringify(synthesis.summary)}`);

const relight = await benchRelight();
writeBenchResult('relight', relight);
line(
  `relight    job ${relight.jobVariantsPerSecond} variants/s at ${relight.cropSize} px (render + scoring ${relight.variantsPerSecond}/s, scoring alone ${relight.scoringOnlyPerSecond}/s: ratio ${relight.ratioToJobScoring}); ` +
    `${relight.variantsPerSecondPhotoScoring} variants/s scored as photos (ratio ${relight.ratioToPhotoScoring}); render CPU ${relight.msPerVariant.renderCpu} ms/variant`,
);

const pose = await benchPose();
writeBenchResult('pose-speed', pose);
line(
  `pose       job ${pose.jobVariantsPerSecond} variants/s (${pose.jobSkipped} skipped); ${pose.variantsPerSecond} variants/s at ${pose.cropSize} px with the job's scoring (ratio ${pose.ratioToJobScoring} to scoring alone); ` +
    `face found again in ${Math.round(pose.faceFound * 100)} %; render CPU ${pose.msPerVariant.renderCpu} ms/variant`,
);

const curation = await benchCuration();
writeBenchResult('curation', curation);
line(`curation   ${JSON.stringify(curation.summary)}`);

const stylegan = await benchStylegan();
writeBenchResult('stylegan', stylegan);
line(`stylegan   ${JSON.stringify(stylegan.summary)}`);
