/**
 * Compile-time check (tsc, `make lint`): each generated Args type is exactly what the contract's
 * input schema accepts, every property wrapped in pulumi.Input, plus the provider's plain `adopt`.
 * A hand-edited Args type (a property added, dropped, made optional or required, retyped, an enum
 * widened to string) fails `npx tsc -p tsconfig.json --noEmit`. The jest test beside it checks the
 * same types against schema.json.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type {
  ApiAccessPolicyInputSchema,
  AuthScopeInputSchema,
  IntegrationInputSchema,
} from "../../server/src/contract";
import type { ApiAccessPolicyArgs, AuthorizationCodeGrantArgs, AuthScopeArgs } from "../src";

/** True when A and B are the same type (not merely assignable to each other). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

/** A value as a Pulumi input: itself or an output of it, and a list of such inputs. */
type AsInput<T> = [T] extends [readonly (infer Element)[]]
  ? pulumi.Input<pulumi.Input<Element>[]>
  : pulumi.Input<T>;

/** What a program may pass for a contract input schema (optional where the contract has a default). */
type ArgsOf<Schema extends z.ZodType> = {
  [Key in keyof z.input<Schema>]: AsInput<Exclude<z.input<Schema>[Key], undefined>>;
} & { adopt?: boolean };

/** Flattens an intersection, so Equal compares one object type. */
type Flat<T> = { [Key in keyof T]: T[Key] };

export type Checks = [
  Assert<Equal<Flat<AuthorizationCodeGrantArgs>, Flat<ArgsOf<typeof IntegrationInputSchema>>>>,
  Assert<Equal<Flat<AuthScopeArgs>, Flat<ArgsOf<typeof AuthScopeInputSchema>>>>,
  Assert<Equal<Flat<ApiAccessPolicyArgs>, Flat<ArgsOf<typeof ApiAccessPolicyInputSchema>>>>,
];
