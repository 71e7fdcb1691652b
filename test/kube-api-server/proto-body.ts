// The protobuf request bodies kubectl's typed clients send (kubectl create pdb,
// kubectl drain's Eviction): the `k8s\0` envelope (runtime.Unknown: typeMeta 1,
// raw 2) around the object, read field by field with the numbers of
// k8s.io/api/policy/v1 and apimachinery meta/v1 generated.proto. Only the fields
// the test server uses are read; the rest are skipped as a decoder skips unknown ones.

type Field = { no: number; bytes?: Buffer; num?: number };

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** isProtobuf tells whether a request's Content-Type is Kubernetes protobuf. */
export function isProtobuf(contentType: string | undefined): boolean {
  return /application\/vnd\.kubernetes\.protobuf/.test(contentType ?? '');
}

/** decodeObject turns a protobuf PodDisruptionBudget or Eviction body into its JSON shape (null when it is not one). */
export function decodeObject(body: Buffer): Record<string, unknown> | null {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) return null;
  const unknown = fields(body.subarray(4));
  const typeMeta = fields(one(unknown, 1) ?? Buffer.alloc(0));
  const apiVersion = text(one(typeMeta, 1));
  const kind = text(one(typeMeta, 2));
  const raw = fields(one(unknown, 2) ?? Buffer.alloc(0));
  const metadata = objectMeta(one(raw, 1));
  if (kind === 'Eviction') {
    const options = fields(one(raw, 2) ?? Buffer.alloc(0));
    const grace = options.find((f) => f.no === 1)?.num;
    return { apiVersion, kind, metadata, deleteOptions: grace === undefined ? {} : { gracePeriodSeconds: grace } };
  }
  if (kind === 'PodDisruptionBudget') {
    const spec = fields(one(raw, 2) ?? Buffer.alloc(0));
    const selector = fields(one(spec, 2) ?? Buffer.alloc(0));
    const minAvailable = intOrString(one(spec, 1));
    const maxUnavailable = intOrString(one(spec, 3));
    const policy = text(one(spec, 4));
    return {
      apiVersion,
      kind,
      metadata,
      spec: {
        ...(minAvailable !== undefined ? { minAvailable } : {}),
        ...(maxUnavailable !== undefined ? { maxUnavailable } : {}),
        selector: { matchLabels: stringMap(selector, 1) },
        ...(policy ? { unhealthyPodEvictionPolicy: policy } : {}),
      },
    };
  }
  return null;
}

function objectMeta(b: Buffer | undefined): Record<string, unknown> {
  const m = fields(b ?? Buffer.alloc(0));
  const labels = stringMap(m, 11);
  const annotations = stringMap(m, 12);
  return {
    ...(one(m, 1) ? { name: text(one(m, 1)) } : {}),
    ...(one(m, 3) ? { namespace: text(one(m, 3)) } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(Object.keys(annotations).length ? { annotations } : {}),
  };
}

// intOrString: type 1 (0 int, 1 string), intVal 2, strVal 3.
function intOrString(b: Buffer | undefined): number | string | undefined {
  if (!b) return undefined;
  const f = fields(b);
  const type = f.find((x) => x.no === 1)?.num ?? 0;
  return type === 1 ? text(one(f, 3)) : (f.find((x) => x.no === 2)?.num ?? 0);
}

function stringMap(f: Field[], no: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of f.filter((x) => x.no === no && x.bytes)) {
    const kv = fields(entry.bytes as Buffer);
    out[text(one(kv, 1))] = text(one(kv, 2));
  }
  return out;
}

const one = (f: Field[], no: number): Buffer | undefined => f.find((x) => x.no === no)?.bytes;
const text = (b: Buffer | undefined): string => (b ? b.toString('utf8') : '');

// fields reads one message's fields: varints as numbers, length-delimited as bytes; fixed widths are skipped.
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = buf[i++] ?? 0;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0 || i >= buf.length) return result;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) out.push({ no, num: varint() });
    else if (wire === 2) {
      const len = varint();
      out.push({ no, bytes: buf.subarray(i, i + len) });
      i += len;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else break;
  }
  return out;
}
