// The five figures of the 2014 consensus (il2-domain.md §3.0), each for one patient-cycle and centre-level.
export { PANEL_WIDTH } from './common.js';
export { fig1CycleSpec, fig1SummarySpec } from './fig1-haemodynamics.js';
export { fig2CycleSpec, fig2SummarySpec } from './fig2-pressors.js';
export { fig3CycleSpec, fig3SummarySpec } from './fig3-renal.js';
export { fig4CycleSpec, fig4SummarySpec } from './fig4-weight.js';
export { fig5CycleSpec, fig5SummarySpec } from './fig5-blood-counts.js';
export type { CycleFigureOptions, SummaryFigureOptions } from './shared-text.js';
