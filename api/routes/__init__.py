"""The API's routes. A case's workflow id may hold a slash (a reclassified case is
`<id>/decision-complaint`), so `{workflow_id:case}` takes slashes, but never a segment
that names a sub-resource (letters, evidence, messages, documents)."""

from starlette.convertors import Convertor, register_url_convertor


class CaseIdConvertor(Convertor[str]):
    regex = r"[^/]+(?:/(?!(?:letters|evidence|messages|documents|parties)(?:/|$))[^/]+)*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("case", CaseIdConvertor())
