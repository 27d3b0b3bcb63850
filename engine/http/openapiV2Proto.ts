// /openapi/v2 in protobuf, the form client-go's discovery asks for
// (application/com.github.proto-openapi.spec.v2@v1.0+protobuf) and parses without looking at the
// Content-Type: gnostic's openapi.v2.Document. kubectl downloads it whenever the v3 document of a
// group version lacks a kind it validates (a kind this server does not serve, a CRD not installed
// yet), so a JSON answer there made kubectl fail with a protobuf parse error.
//
// Field numbers are those of gnostic's OpenAPIv2.proto (package openapi.v2). Values a JSON Schema
// keeps as arbitrary JSON (default, enum, example, x- extensions) are an `Any` holding YAML text;
// JSON is YAML, so they are written as JSON.

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Appends protobuf fields to a growing list of chunks; a message is its chunks concatenated. */
class ProtoWriter {
  private readonly chunks: Buffer[] = [];
  private length = 0;

  private push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }

  private key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  private varint(n: number): void {
    const bytes: number[] = [];
    // Values here are lengths, field keys and int64 schema bounds: all non-negative and below 2^53.
    let v = n;
    while (v > 0x7f) {
      bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    bytes.push(v);
    this.push(Buffer.from(bytes));
  }

  string(field: number, s: unknown): void {
    if (typeof s !== 'string' || s === '') return;
    this.bytes(field, Buffer.from(s, 'utf8'));
  }

  strings(field: number, list: unknown): void {
    if (!Array.isArray(list)) return;
    for (const s of list) if (typeof s === 'string') this.bytes(field, Buffer.from(s, 'utf8'));
  }

  bool(field: number, b: unknown): void {
    if (b === true) this.oneofBool(field, true);
  }

  /** A bool member of a oneof: written even when false, since being set is what it says. */
  oneofBool(field: number, b: boolean): void {
    this.key(field, 0);
    this.varint(b ? 1 : 0);
  }

  int64(field: number, n: unknown): void {
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) return;
    this.key(field, 0);
    this.varint(n);
  }

  double(field: number, n: unknown): void {
    if (typeof n !== 'number' || n === 0) return;
    const b = Buffer.alloc(8);
    b.writeDoubleLE(n);
    this.key(field, 1);
    this.push(b);
  }

  /** A nested message; an empty one is still written when `always` (a present but empty object). */
  message(field: number, build: (w: ProtoWriter) => void, always = false): void {
    const inner = new ProtoWriter();
    build(inner);
    if (inner.length === 0 && !always) return;
    this.bytes(field, inner.finish());
  }

  bytes(field: number, b: Buffer): void {
    this.key(field, 2);
    this.varint(b.length);
    this.push(b);
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

/** openapi.v2.Any: the value as YAML text (field 2). */
function any(w: ProtoWriter, field: number, value: unknown): void {
  w.message(field, (a) => a.string(2, `${JSON.stringify(value)}\n`), true);
}

/** `repeated NamedAny vendor_extension`: each `x-` member, in the document's order. */
function vendorExtensions(w: ProtoWriter, field: number, obj: Json): void {
  for (const [name, value] of Object.entries(obj)) {
    if (!name.startsWith('x-')) continue;
    w.message(field, (named) => {
      named.string(1, name);
      any(named, 2, value);
    });
  }
}

/** A map of schemas (Properties, Definitions): `repeated NamedSchema additional_properties = 1`, in the map's order. */
function namedSchemas(w: ProtoWriter, field: number, schemas: Json): void {
  w.message(field, (m) => {
    for (const [name, value] of Object.entries(schemas)) {
      if (!isObject(value)) continue;
      m.message(1, (named) => {
        named.string(1, name);
        named.message(2, (inner) => schema(inner, value), true);
      });
    }
  }, true);
}

/** openapi.v2.Schema */
function schema(w: ProtoWriter, s: Json): void {
  w.string(1, s.$ref);
  w.string(2, s.format);
  w.string(3, s.title);
  w.string(4, s.description);
  if (s.default !== undefined) any(w, 5, s.default);
  w.double(6, s.multipleOf);
  w.double(7, s.maximum);
  w.bool(8, s.exclusiveMaximum);
  w.double(9, s.minimum);
  w.bool(10, s.exclusiveMinimum);
  w.int64(11, s.maxLength);
  w.int64(12, s.minLength);
  w.string(13, s.pattern);
  w.int64(14, s.maxItems);
  w.int64(15, s.minItems);
  w.bool(16, s.uniqueItems);
  w.int64(17, s.maxProperties);
  w.int64(18, s.minProperties);
  w.strings(19, s.required);
  if (Array.isArray(s.enum)) for (const v of s.enum) any(w, 20, v);
  const additional = s.additionalProperties;
  if (typeof additional === 'boolean') w.message(21, (a) => a.oneofBool(2, additional), true);
  else if (isObject(additional)) w.message(21, (a) => a.message(1, (inner) => schema(inner, additional), true));
  if (typeof s.type === 'string') w.message(22, (t) => t.string(1, s.type));
  else if (Array.isArray(s.type)) w.message(22, (t) => t.strings(1, s.type));
  const items = s.items;
  if (isObject(items)) w.message(23, (i) => i.message(1, (inner) => schema(inner, items), true), true);
  else if (Array.isArray(items)) w.message(23, (i) => { for (const item of items) if (isObject(item)) i.message(1, (inner) => schema(inner, item), true); }, true);
  if (Array.isArray(s.allOf)) for (const part of s.allOf) if (isObject(part)) w.message(24, (inner) => schema(inner, part), true);
  if (isObject(s.properties)) namedSchemas(w, 25, s.properties);
  w.string(26, s.discriminator);
  w.bool(27, s.readOnly);
  if (s.example !== undefined) any(w, 30, s.example);
  vendorExtensions(w, 31, s);
}

/**
 * Encodes a Swagger 2.0 document with the members this server publishes (swagger, info,
 * definitions and an empty paths object) as an openapi.v2.Document.
 */
export function encodeOpenAPIV2(doc: Json): Buffer {
  const w = new ProtoWriter();
  w.string(1, doc.swagger);
  const info = doc.info;
  if (isObject(info)) {
    w.message(2, (i) => {
      i.string(1, info.title);
      i.string(2, info.version);
      i.string(3, info.description);
      vendorExtensions(i, 7, info);
    }, true);
  }
  if (isObject(doc.paths)) {
    const paths = doc.paths;
    if (Object.keys(paths).some((k) => !k.startsWith('x-'))) throw new Error('encodeOpenAPIV2: path items are not encoded');
    w.message(8, (p) => vendorExtensions(p, 1, paths), true);
  }
  if (isObject(doc.definitions)) namedSchemas(w, 9, doc.definitions);
  vendorExtensions(w, 16, doc);
  return w.finish();
}
