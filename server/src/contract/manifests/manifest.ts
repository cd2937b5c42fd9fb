import type { z } from "zod";
import type { RecordKind } from "../audit";
import type { ErrorCode } from "../errors";

/**
 * One resource kind of the management API, declared once: its path, names, schemas, the errors its
 * writes can return, and (for the kinds the Pulumi provider manages) how Pulumi sees it. The server's
 * record kinds, routes and OpenAPI document, and the provider's resources, schema.json and
 * docs/resources.md are all derived from these declarations.
 */
export interface ResourceManifest<K extends RecordKind = RecordKind> {
  /** The record kind, as audit events name it. */
  kind: K;
  /** The collection under /api/v1, e.g. "/integrations". */
  path: string;
  /** How a person names one record of this kind in a message: "auth scope". */
  label: string;
  /** The OpenAPI tag of the kind's operations. */
  tag: string;
  schemas: {
    /** The body of a create and of a replace (PUT), cross-field rules included. */
    input: z.ZodType;
    /** The per-field object behind `input`, without its cross-field rules. */
    fields: z.ZodObject;
    /** The body of a create as published, when it differs from `input`. */
    createInput?: z.ZodType;
    /** The record as every read returns it. */
    record: z.ZodObject;
    /** The body of a create response, when it differs from `record`. */
    created?: z.ZodType;
    /** The list query: the page parameters, then one exact-match filter per other field. */
    listQuery: z.ZodObject;
  };
  /**
   * List fields that name records of another kind, by the field; stored as references, refused
   * when a name is unknown, and compared as sets by the provider.
   */
  references: Readonly<Record<string, RecordKind>>;
  /** What a create or replace can answer besides the errors every write can. */
  writeErrors: readonly ErrorCode[];
  /** What a delete can answer besides the errors every delete can. */
  deleteErrors: readonly ErrorCode[];
  /** How the Pulumi provider manages the kind; absent for kinds it does not manage. */
  pulumi?: PulumiManifest;
}

/** A kind as a Pulumi resource of the package PULUMI_PACKAGE. */
export interface PulumiManifest {
  /** The SDK's class name; the type token is `${PULUMI_PACKAGE}:index:${className}`. */
  className: string;
  /** The resource's description in schema.json and docs/resources.md. */
  description: string;
  /** Lists whose order matters (the others, the references, compare as sets). */
  orderedLists: readonly string[];
  /** Inputs whose change replaces the resource. */
  replaceOnChanges: readonly string[];
  /** Inputs that are secrets (never in a read, a secret output). */
  secretInputs: readonly string[];
  /** Outputs taken from the record that are not inputs, in order. */
  recordOutputs: readonly string[];
  /** Outputs the provider computes (always present), with their descriptions, in order. */
  computedOutputs: Readonly<Record<string, string>>;
  /**
   * Descriptions of properties whose contract schema has no `.describe()` text. A test fails when
   * the contract gains one, so this list only shrinks.
   */
  fieldDocs: Readonly<Record<string, string>>;
}

/** The Pulumi package name: the first part of every type token. */
export const PULUMI_PACKAGE = "inbound-oauth";

/** The Pulumi type token of a class: `inbound-oauth:index:AuthScope`. */
export function pulumiTypeToken(className: string): string {
  return `${PULUMI_PACKAGE}:index:${className}`;
}

/** Outputs every record carries besides its inputs. */
export const RECORD_META_OUTPUTS = ["version", "createdAt", "updatedAt"] as const;

/** What Pulumi docs say of the record times, which the contract leaves undescribed. */
export const RECORD_TIME_DOCS = {
  createdAt: "When the record was created (RFC 3339, UTC).",
  updatedAt: "When the record last changed (RFC 3339, UTC).",
} as const;
