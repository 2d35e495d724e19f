// Charts: typed vega-lite spec builders (data in, spec out, no IO) and a headless renderer.
export { SLOT_STATUS_STYLE, REASON_GROUP_STYLE, HOLD_REASON_GROUP, reasonGroupOf, type ReasonGroup } from './encodings.js';
export { swimmerSpec, type SwimmerSlot, type SwimmerOptions } from './swimmer.js';
export {
  PUBLICATION_DPI,
  compileChart,
  renderSvg,
  renderPng,
  svgToPng,
  svgToPngAsync,
  type CompileMessages,
  type CompiledChart,
  type PngOptions,
} from './render.js';
export * from './doses.js';
export * from './response.js';
export * from './holds.js';
export * from './consensus/index.js';
export { displayUnit, ruleLabel, variableLabel, variableName, variableUnit, type RuleLabelInput } from './labels.js';
export * from './outcomes.js';
export { DURABLE_CR_DISEASE_LABELS, durableCrSpec } from './durable-cr.js';
export { placeLabels, textWidth, type LabelInput, type PlacedLabel, type PlacementOptions } from './label-placement.js';
