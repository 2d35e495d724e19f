// The headless notebook runner: a Jupyter kernel client over zeromq, parameter injection, HTML rendering.
export { Kernel, type ExecuteResult, type ExecuteStatus, type KernelStartOptions } from './kernel.js';
export { findKernelSpec, jupyterDataDirs, KernelSpec } from './kernelspec.js';
export { Notebook, Cell, CodeCell, TextCell, Output, readNotebook, formatNotebook, clearOutputs, textOf, linesOf, hasTag } from './nbformat.js';
export { KitTourParams, notebookParams, notebookParamInfo, pathParam, isNotebookName, type NotebookName } from '../../schemas/notebook-params.js';
export { PARAMETERS_TAG, INJECTED_TAG, ParameterError, parseParamArgs, checkParams, parametersCode, injectParameters } from './params.js';
export { renderNotebookHtml, escapeHtml, type CellStatus, type HtmlRunInfo } from './html.js';
export { runNotebook, resolveNotebooks, notebookName, paramsFor, filterOutputs, errorText, type RunOptions, type NotebookRun, type CellReport } from './run.js';
export { joinCodeCells, typecheckNotebooks, type JoinedCells, type CellDiagnostic } from './typecheck.js';
export { notebookStore, findOutStore, type NotebookStore } from '../../data-samples/notebook-store.js';
