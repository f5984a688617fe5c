import { resolve } from 'node:path';
import ts from 'typescript';
import type { K8sObject, Rendering } from './render-overlays';

const ROOT = resolve(__dirname, '../..');

/** The npm module that models a kind: kubernetes-models for the API's own kinds, @kubernetes-models/keda for KEDA's. */
function modelModule(object: K8sObject): string {
  if (object.apiVersion.startsWith('keda.sh/')) return `@kubernetes-models/keda/${object.apiVersion}/${object.kind}`;
  return `kubernetes-models/${object.apiVersion}/${object.kind}`;
}

interface Model {
  validate(): void;
}
type ModelClass = new (data: K8sObject) => Model;

/**
 * The models' JSON schemas (types, required fields, formats, enums). They accept fields the API does not know,
 * which `unknownFields` covers.
 */
export async function schemaProblems(object: K8sObject): Promise<string[]> {
  let model: ModelClass | undefined;
  try {
    model = ((await import(modelModule(object))) as Record<string, ModelClass>)[object.kind];
  } catch {
    model = undefined;
  }
  if (!model) return [`${object.kind} ${object.apiVersion}: no schema for this kind`];
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    return [`${object.kind}/${object.metadata?.name}: ${(error as Error).message}`];
  }
}

/**
 * Fields the API does not define (a misspelt `readinessprobe` passes the JSON schemas, and the API server would
 * refuse or drop it): every object is compiled as a literal of its model's TypeScript interface, whose excess
 * property checks reach every nesting level.
 */
export function unknownFields(renderings: Rendering[]): string[] {
  const entries = renderings.flatMap(({ overlay, objects }) => objects.map((object) => ({ overlay, object })));
  const fileName = resolve(ROOT, 'test/kubernetes/rendered-manifests.generated.ts');
  const lines = entries.map(({ object }, index) => `import type { I${object.kind} as T${index} } from '${modelModule(object)}';`);
  const firstObjectLine = lines.length;
  entries.forEach(({ object }, index) => lines.push(`export const o${index}: T${index} = ${JSON.stringify(object)};`));
  const source = lines.join('\n');

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    ignoreDeprecations: '6.0',
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => name === fileName || ts.sys.fileExists(name);
  host.readFile = (name) => (name === fileName ? source : readFile(name));
  host.getSourceFile = (name, language, onError) =>
    name === fileName ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, onError);

  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line;
    const entry = entries[line - firstObjectLine];
    return entry ? `overlays/${entry.overlay} ${entry.object.kind}/${entry.object.metadata.name}: ${message}` : message;
  });
}
