import ts from "typescript";
import type { PulumiTypeSpec } from "../../provider/src/schema/build";

/** A property of a generated interface or class, as written. */
export interface Member {
  name: string;
  optional: boolean;
  /** The type annotation, white space folded (but in string literals). */
  type: string;
  /** The doc comment's text before its tags. */
  doc: string;
}

/** White space folded to one space, but inside string literals. */
const foldSpaces = (text: string) =>
  text.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_run, literal) => literal ?? " ");

function declared(text: string, declaration: string, file: string) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = source.statements.find(
    (node): node is ts.InterfaceDeclaration | ts.ClassDeclaration =>
      (ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name?.text === declaration,
  );
  if (!found) throw new Error(`${file} declares no ${declaration}`);
  return { source, found };
}

/** The names an interface or class `declaration` extends, as written. */
export function heritageOf(text: string, declaration: string, file = "module.ts"): string[] {
  const { source, found } = declared(text, declaration, file);
  return (found.heritageClauses ?? []).flatMap((clause) =>
    clause.types.map((type) => type.expression.getText(source)),
  );
}

/** The property members of the interface or class `declaration` in a module's source text. */
export function membersOf(text: string, declaration: string, file = "module.ts"): Member[] {
  const { source, found } = declared(text, declaration, file);
  const members = found.members.filter(
    (member): member is ts.PropertySignature | ts.PropertyDeclaration =>
      ts.isPropertySignature(member) || ts.isPropertyDeclaration(member),
  );
  return members.map((member) => ({
    name: member.name.getText(source),
    optional: member.questionToken !== undefined,
    type: member.type ? foldSpaces(member.type.getText(source)) : "(none)",
    doc:
      ts.getJSDocCommentsAndTags(member).map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "")[0] ?? "",
  }));
}

/** Syntax errors of a module's source text (none for a well-formed generated module). */
export function syntaxErrors(text: string): string[] {
  const output = ts.transpileModule(text, { reportDiagnostics: true, fileName: "module.ts" });
  return (output.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

const ELEMENT: Record<string, string> = {
  string: "string",
  boolean: "boolean",
  integer: "number",
  number: "number",
};

/** The test oracle: the value type a schema property must have in TypeScript, `wrap` around each list element. */
export function expectedType(
  spec: PulumiTypeSpec,
  values: readonly string[] | undefined,
  wrap: (t: string) => string,
): string {
  if (spec.type === "array") return `${wrap(expectedType(spec.items as PulumiTypeSpec, undefined, wrap))}[]`;
  return values?.map((value) => JSON.stringify(value)).join(" | ") ?? (ELEMENT[spec.type] as string);
}

/** The value of a module's `const <name> = <object literal>` (the generated registration flags), evaluated. */
export function constValue(text: string, name: string, file = "module.ts"): unknown {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const variable of statement.declarationList.declarations) {
      if (variable.name.getText(source) === name && variable.initializer)
        return new Function(`return (${variable.initializer.getText(source)});`)();
    }
  }
  throw new Error(`${file} has no const ${name}`);
}
