import { specJsonSchemaText } from "../../spec/json-schema.js";
import { EXIT } from "../exit-codes.js";
import type { Io } from "../io.js";

export function schema(io: Io): number {
  io.out(specJsonSchemaText().trimEnd());
  return EXIT.ok;
}
