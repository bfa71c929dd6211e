/** One media type of an Accept header, and whether it allows UTF-8 (no charset does, as graphql-yoga reads it). */
export interface AcceptedType {
  type: string;
  utf8: boolean;
}

/** The media types of an Accept header, in its order, lower-cased; none given means any. */
export function acceptedTypes(accept: string | null | undefined): AcceptedType[] {
  return (accept || '*/*')
    .replace(/\s/g, '')
    .toLowerCase()
    .split(',')
    .map((item) => {
      const [type = '', ...params] = item.split(';');
      return { type, utf8: (params.find((param) => param.includes('charset=')) ?? 'charset=utf-8') === 'charset=utf-8' };
    });
}
