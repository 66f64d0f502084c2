"""The field catalogue: every field of an activity, written out once.

An activity's fields used to be listed again in the draft builder, review, the activity
models, the edit form, two templates, the exports, the CLI and in hand-copied column widths;
a field added in one place and not another was a page that answered 500 (a money value
reached a template that expected a statement). Every one of those now iterates
:data:`FIELDS`.

A :class:`Field` says where the value is stored (a ``schema`` column, from which its type and
width are read, never copied), what the extractor calls it, its label in English and
Japanese, how it is shown (``kind``: the templates dispatch on it, one macro per kind), and
whether an editor may change it, a reviewer may add it, and the activities export carries it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, String

from wpstrack import schema
from wpstrack.documents import REASONS
from wpstrack.i18n import current_language
from wpstrack.limits import NUMBER_RANGES
from wpstrack.reference import pillars

# How a value is shown; ``_fields.html`` has one branch per kind and a test renders them all.
KINDS = (
    "id",
    "text",
    "longtext",
    "status",
    "flag",
    "event_type",
    "date",
    "time",
    "stated_time",
    "zone",
    "stated_zone",
    "instant",
    "duration",
    "count",
    "place",
    "country",
    "document",
    "person",
    "organisation",
    "organisation_code",
    "resolution",
    "topic",
    "pillar",
    "money",
    "commitment",
    "role",
)
# The part of a structured value that a one-line correction replaces, by kind.
EDITABLE_PART = {
    "person": "name",
    "organisation": "name",
    "commitment": "text",
    "money": "text",
    "role": "role",
}
_PYTHON_TYPES = {str: "str", int: "int", float: "float", date: "date", datetime: "datetime"}
_PYTHON_TYPES[bool] = "bool"
# Keys of an extraction record that are about the record, not fields of an activity.
RECORD_META = ("language", "spans", "warnings")


@dataclass(frozen=True)
class Field:
    """One field of an activity: storage, extraction name, labels, display and permissions.

    ``column`` is the schema column holding the value: a column of ``activity``, or of the
    child row (participant, link) or document it becomes. ``value_type`` is given only for
    values kept solely as extraction rows (no column to read a type from). ``role`` and
    ``link`` say which participant or link rows a list field becomes.
    """

    name: str
    kind: str
    label_en: str
    label_ja: str
    column: Column[Any] | None = None
    extracted_as: str | None = None
    many: bool = False
    editable: bool = False
    reviewable: bool = False
    exported: bool = False
    shown: bool = True  # on the activity and review pages' facts
    role: str | None = None  # participant role of each item
    link: str | None = None  # activity_link kind of each item
    value_type: str | None = None

    @property
    def activity_column(self) -> str | None:
        """The ``activity`` column this field fills, if it is one."""
        if self.column is not None and self.column.table is schema.activity:
            return self.column.name
        return None

    @property
    def type(self) -> str:
        """``str``, ``int``, ``float``, ``bool``, ``date``, ``datetime`` or ``json``."""
        if self.value_type is not None:
            return self.value_type
        assert self.column is not None  # checked when the catalogue is built
        return _PYTHON_TYPES.get(self.column.type.python_type, "str")

    @property
    def width(self) -> int | None:
        """The most characters the column holds (None: unbounded or not text)."""
        if self.column is not None and isinstance(self.column.type, String):
            return self.column.type.length
        return None

    def label(self, language: str = "en") -> str:
        """The field's label in ``language`` (English unless Japanese is asked for)."""
        return self.label_ja if language == "ja" else self.label_en

    @property
    def shown_label(self) -> str:
        """The label in the language of the page or command being served."""
        return self.label(current_language())


_act, _part, _link = schema.activity, schema.activity_participant, schema.activity_link

# Display order: the order of the activity page, the CLI and the exports.
FIELDS: tuple[Field, ...] = (
    Field("id", "id", "Id", "ID", _act.c.id, exported=True, shown=False),
    Field(
        "type",
        "event_type",
        "Type",
        "種別",
        _act.c.type,
        "event_type",
        editable=True,
        reviewable=True,
        exported=True,
    ),
    Field(
        "title",
        "text",
        "Title",
        "件名",
        _act.c.title,
        "title",
        editable=True,
        reviewable=True,
        exported=True,
        shown=False,  # the page heading
    ),
    # Shown with the version beside it by the pages themselves.
    Field("status", "status", "Status", "状態", _act.c.status, exported=True, shown=False),
    Field(
        "date",
        "date",
        "Date",
        "日付",
        _act.c.date,
        "date",
        editable=True,
        reviewable=True,
        exported=True,
    ),
    Field(
        "start_time_local",
        "time",
        "Local start time",
        "現地開始時刻",
        _act.c.start_time_local,
        "start_time_local",
        editable=True,
        reviewable=True,
        exported=True,
    ),
    Field(
        "end_time_local",
        "time",
        "Local end time",
        "現地終了時刻",
        extracted_as="end_time_local",
        value_type="str",
    ),
    Field(
        "dropped_number",
        "text",
        "Numbers dropped as implausible",
        "範囲外として除いた数値",
        extracted_as="dropped_number",
        many=True,
        value_type="json",
    ),
    Field(
        "timezone",
        "zone",
        "Time zone (IANA)",
        "タイムゾーン (IANA)",
        _act.c.timezone,
        "timezone",
        editable=True,
        reviewable=True,
        exported=True,
    ),
    Field(
        "tz_stated",
        "stated_zone",
        "Time stated as",
        "時刻の表記",
        _act.c.tz_stated,
        "tz_stated",
        editable=True,
        reviewable=True,
    ),
    Field(
        "start_time_jst",
        "stated_time",
        "Stated Japan time",
        "記載の日本時間",
        _act.c.start_time_jst,
        "start_time_jst",
        reviewable=True,
    ),
    Field(
        "start_utc",
        "instant",
        "Start (UTC)",
        "開始 (UTC)",
        _act.c.start_utc,
        "start_utc",
        reviewable=True,
        exported=True,
    ),
    Field(
        "duration_minutes",
        "duration",
        "Duration (minutes)",
        "所要時間 (分)",
        _act.c.duration_minutes,
        "duration_minutes",
        editable=True,
        reviewable=True,
        exported=True,
    ),
    Field("place_id", "place", "Place", "場所", _act.c.place_id, shown=False),
    Field(
        "city",
        "text",
        "City",
        "都市",
        _act.c.city,
        "city",
        editable=True,
        reviewable=True,
        exported=True,
    ),
    Field(
        "country",
        "country",
        "Country (ISO code)",
        "国 (ISO コード)",
        _act.c.country,
        "country",
        editable=True,
        reviewable=True,
        exported=True,
    ),
    Field("summary", "longtext", "Summary", "概要", _act.c.summary, editable=True, shown=False),
    Field(
        "acting_country",
        "country",
        "Acting government (ISO code)",
        "実施主体の政府 (ISO コード)",
        _act.c.acting_country,
        "acting_country",
        editable=True,
        reviewable=True,
        exported=True,
    ),
    Field(
        "acting_organisation_id",
        "id",
        "Acting organisation",
        "実施主体の組織",
        _act.c.acting_organisation_id,
        exported=True,
        shown=False,  # shown by name with the roles
    ),
    Field(
        "principal_actors",
        "person",
        "Principal actors",
        "主な出席者",
        _part.c.name,
        "principal_actors",
        many=True,
        reviewable=True,
        role="principal",
    ),
    Field(
        "other_participants",
        "person",
        "Other participants",
        "その他の出席者",
        _part.c.name,
        "other_participants",
        many=True,
        reviewable=True,
        role="participant",
    ),
    Field(
        "organisations",
        "organisation",
        "Organisations",
        "組織",
        _part.c.name,
        "organisations",
        many=True,
        reviewable=True,
        role="mentioned",
    ),
    Field(
        "organisation_roles",
        "role",
        "Roles of organisations",
        "組織の役割",
        extracted_as="organisation_roles",
        many=True,
        value_type="json",
        shown=False,  # the participants table shows each organisation's role
    ),
    Field(
        "funding_countries",
        "country",
        "Funding governments",
        "資金提供国",
        _part.c.country,
        "funding_countries",
        many=True,
        reviewable=True,
        role="funder",
    ),
    Field(
        "work_countries",
        "country",
        "Where the work happens",
        "活動地",
        _link.c.country,
        "work_countries",
        many=True,
        reviewable=True,
        link="location",
    ),
    Field(
        "organisation_codes",
        "organisation_code",
        "Organisation codes",
        "組織コード",
        schema.organisation.c.code,
        "organisation_codes",
        many=True,
        shown=False,
    ),
    Field(
        "resolutions",
        "resolution",
        "Resolutions",
        "安保理決議",
        _link.c.resolution_number,
        "resolutions",
        many=True,
        reviewable=True,
        link="resolution",
    ),
    Field(
        "topics",
        "topic",
        "Topics",
        "テーマ",
        _link.c.topic,
        "topics",
        many=True,
        reviewable=True,
        link="topic",
    ),
    Field(
        "pillars",
        "pillar",
        "Pillars",
        "柱",
        _link.c.pillar_code,
        "pillars",
        many=True,
        exported=True,
        link="pillar",
    ),
    Field(
        "money",
        "money",
        "Amounts",
        "金額",
        extracted_as="money",
        many=True,
        value_type="json",
    ),
    Field(
        "commitments",
        "commitment",
        "Commitments",
        "表明",
        extracted_as="commitments",
        many=True,
        value_type="json",
    ),
    Field(
        "women_count_named",
        "count",
        "Women named",
        "名前の挙がった女性",
        extracted_as="women_count_named",
        value_type="int",
    ),
    Field(
        "release_date",
        "date",
        "Release date",
        "発表日",
        schema.document.c.published_on,
        "release_date",
        shown=False,
    ),
    Field(
        "document_id",
        "document",
        "Source document",
        "出典文書",
        _act.c.document_id,
        exported=True,
        shown=False,
    ),
    Field("is_published", "flag", "Published", "公開", _act.c.is_published, shown=False),
    Field("reviewed_by", "text", "Reviewed by", "確認者", _act.c.reviewed_by, shown=False),
    Field("reviewed_at", "instant", "Reviewed at", "確認日時", _act.c.reviewed_at, shown=False),
    Field("version", "count", "Version", "版", _act.c.version, shown=False),
    Field("created_at", "instant", "Created", "作成日時", _act.c.created_at, shown=False),
    Field(
        "updated_at",
        "instant",
        "Updated",
        "更新日時",
        _act.c.updated_at,
        exported=True,
        shown=False,
    ),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
# Extraction field name -> its catalogue entry (``event_type`` is the ``type`` field).
BY_EXTRACTION: dict[str, Field] = {f.extracted_as: f for f in FIELDS if f.extracted_as}


def _check() -> None:
    """The catalogue is consistent: known kinds, a type for every field, one name each."""
    assert len(BY_NAME) == len(FIELDS), "a field is listed twice"
    for f in FIELDS:
        assert f.kind in KINDS, f"{f.name}: unknown kind {f.kind!r}"
        assert f.column is not None or f.value_type, f"{f.name}: no column and no type"
        assert not (f.editable and f.activity_column is None), f"{f.name}: not editable"


_check()


# The codes stored in the database, labelled as the fields are: (English, Japanese) per code.
# Pages, exports and the CLI show a code only through :func:`code_label`, so no page shows
# ``courtesy_call`` and both languages come from this one list.
CODES: dict[str, dict[str, tuple[str, str]]] = {
    "event_type": {
        "dialogue": ("dialogue", "対話"),
        "meeting": ("meeting", "会合"),
        "bilateral_meeting": ("bilateral meeting", "二国間会談"),
        "courtesy_call": ("courtesy call", "表敬"),
        "telephone_talk": ("telephone talk", "電話会談"),
        "video_conference": ("video conference", "テレビ会議"),
        "speech": ("speech", "スピーチ"),
        "statement": ("statement", "声明・談話"),
        "conference": ("conference", "国際会議"),
        "signing": ("signing", "署名"),
        "visit": ("visit", "訪問"),
        "exchange_of_notes": ("exchange of notes", "書簡の交換"),
        "other": ("other", "その他"),
    },
    "topic": {
        "WPS": ("women, peace and security", "女性・平和・安全保障"),
        "gender_equality": ("gender equality", "ジェンダー平等"),
        "participation": ("participation", "参画"),
        "protection": ("protection", "保護"),
        "prevention": ("prevention", "予防"),
        "relief_recovery": ("relief and recovery", "救済・復興"),
        "funding": ("funding", "資金拠出"),
        "human_security": ("human security", "人間の安全保障"),
        "disaster": ("disaster risk reduction", "防災"),
        "refugees": ("refugees", "難民"),
        "peacekeeping": ("peacekeeping", "平和維持活動"),
        "other": ("other", "その他"),
    },
    "status": {
        "draft": ("draft", "下書き"),
        "reviewed": ("reviewed", "確認済み"),
        "published": ("published", "公開済み"),
    },
    "decision": {
        "proposed": ("proposed", "未判断"),
        "accepted": ("accepted", "承認"),
        "corrected": ("corrected", "修正"),
        "rejected": ("rejected", "却下"),
    },
    "tz_stated": {"local": ("local time", "現地時間"), "JST": ("Japan time (JST)", "日本時間")},
    "result_kind": {"document": ("document", "文書"), "activity": ("activity", "活動")},
    "source": {"machine": ("machine", "自動抽出"), "human": ("human", "担当者")},
    "role": {
        "principal": ("principal", "主な出席者"),
        "participant": ("participant", "出席者"),
        "mentioned": ("mentioned", "言及"),
        "responsible": ("responsible", "担当"),
        "host": ("host", "主催"),
        "funder": ("funder", "資金拠出者"),
        "implementer": ("implementer", "実施機関"),
        "recipient": ("recipient", "受益者"),
    },
    "user_role": {
        "admin": ("administrator", "管理者"),
        "editor": ("editor", "編集者"),
        "reviewer": ("reviewer", "確認担当者"),
        "viewer": ("viewer", "閲覧者"),
    },
    "document_status": {
        "ingested": ("ingested", "取込済み"),
        "rejected": ("rejected", "取込不可"),
        "already present": ("already present", "登録済み"),
    },
    "plan_item": {
        "area": ("area", "重点分野"),
        "objective": ("objective", "目標"),
        "measure": ("measure", "具体的施策"),
    },
    "direction": {
        "increase": ("increase", "増加"),
        "decrease": ("decrease", "減少"),
        "maintain": ("maintain", "維持"),
    },
    "method": {"manual": ("entered", "手入力"), "computed": ("computed", "自動計算")},
    "gender": {"f": ("woman", "女性"), "m": ("man", "男性")},
    # Funding: a contribution is a commitment (promised) or a disbursement (paid out).
    "transaction_type": {
        "commitment": ("commitment", "約束額（コミットメント）"),
        "disbursement": ("disbursement", "支出額（ディスバース）"),
    },
    # The OECD DAC gender equality policy marker of a contribution.
    "gender_marker": {
        "0": ("not targeted", "対象外"),
        "1": ("significant", "重要目標"),
        "2": ("principal", "主要目標"),
    },
    # An indicator value is entered, then approved (reports count approved values only).
    "value_status": {"entered": ("entered", "入力済み"), "approved": ("approved", "承認済み")},
    # What a file import does (or would do) with a row; the English is what the reports count.
    "import_action": {
        "create": ("create", "新規"),
        "update": ("update", "更新"),
        "unchanged": ("unchanged", "変更なし"),
        "reject": ("reject", "却下"),
    },
    "organisation_type": {
        "academic": ("academic", "大学・研究機関"),
        "financial_institution": ("financial institution", "金融機関"),
        "government_agency": ("government agency", "政府機関"),
        "intergovernmental": ("intergovernmental", "政府間機関"),
        "ministry": ("ministry", "省庁"),
        "network": ("network", "ネットワーク"),
        "ngo": ("NGO", "NGO・市民社会"),
        "other": ("other", "その他"),
        "regional": ("regional", "地域機関"),
        "un_fund": ("UN fund", "国連基金"),
        "un_fund_programme": ("UN fund or programme", "国連基金・計画"),
        "un_peace_operation": ("UN peace operation", "国連平和活動"),
        "un_principal_organ": ("UN principal organ", "国連主要機関"),
        "un_related": ("UN related organisation", "国連関連機関"),
        "un_secretariat": ("UN Secretariat", "国連事務局"),
        "un_specialized_agency": ("UN specialized agency", "国連専門機関"),
        "un_subsidiary_body": ("UN subsidiary body", "国連補助機関"),
    },
    "audit_action": {
        "create": ("created", "作成"),
        "update": ("updated", "更新"),
        "delete": ("deleted", "削除"),
        "draft": ("drafted", "下書き作成"),
        "extract": ("extracted", "抽出"),
        "accept": ("accepted", "承認"),
        "correct": ("corrected", "修正"),
        "reject": ("rejected", "却下"),
        "upload": ("uploaded", "アップロード"),
        "import": ("imported", "取込み"),
        "refresh": ("recomputed", "再計算"),
        "link": ("linked", "施策に関連付け"),
        "unlink": ("unlinked", "関連付け解除"),
        "publish": ("published", "公開"),
        "unpublish": ("withdrawn", "公開取り下げ"),
        "migrate": ("migrated", "移行"),
        "change_password": ("password changed", "パスワード変更"),
        "reset_password": ("password reset", "パスワード再設定"),
        "rehash": ("password rehashed", "パスワード再ハッシュ"),
        "revoke": ("revoked", "失効"),
        "login": ("logged in", "ログイン"),
        "logout": ("logged out", "ログアウト"),
    },
}


# Why a document was refused: the English is :data:`wpstrack.documents.REASONS`.
_REASONS_JA = {
    "empty": "文書に本文がありません",
    "binary": "内容がテキストではなくバイナリデータです",
    "undecodable": "内容の文字コードを解読できません",
    "too_large": "文書がサイズの上限を超えています",
    "unpacked_too_large": "展開後のサイズが上限を超えています",
    "too_many_pages": "ページ数が上限を超えています",
    "too_long": "本文の文字数が上限を超えています",
    "too_deep": "マークアップの入れ子が上限より深くなっています",
    "too_many_elements": "マークアップの要素数が上限を超えています",
    "too_slow": "文書の読み込みが制限時間を超えました",
    "unsupported": "この形式の文書には対応していません",
    "extraction_failed": "文書は読み込めましたが、抽出処理に失敗しました",
    "storage_failed": "文書は読み込めましたが、データベースが抽出値を受け付けませんでした",
    "unreadable": "ファイルを開けません（権限がないか、ファイルが見つかりません）",
}
# The pillars' names are the reference data's (their English and Japanese names).
CODES["pillar"] = {p["code"]: (p["name"], p.get("name_ja") or p["name"]) for p in pillars()}
CODES["reject_reason"] = {code: (text, _REASONS_JA[code]) for code, text in REASONS.items()}


def code_label(kind: str, code: object, language: str | None = None) -> str:
    """The label of ``code`` of ``kind`` (a key of :data:`CODES`) in ``language`` (default:
    the language being served); an unknown code is its words without underscores."""
    text = "" if code is None else str(code)
    labels = CODES.get(kind, {}).get(text)
    if labels is None:
        return text.replace("_", " ")
    return labels[1] if (language or current_language()) == "ja" else labels[0]


def field_of(extraction_name: str) -> Field | None:
    """The catalogue entry of an extraction field name (None for an unknown one)."""
    return BY_EXTRACTION.get(extraction_name)


def kind_of(extraction_name: str) -> str:
    """How a value of extraction field ``extraction_name`` is shown (``text`` if unknown)."""
    found = BY_EXTRACTION.get(extraction_name) or BY_NAME.get(extraction_name)
    return found.kind if found else "text"


def width_of(name: str) -> int | None:
    """The column width of catalogue field ``name``."""
    return BY_NAME[name].width


def editable_part(name: str) -> str:
    """The key of a structured value of field ``name`` that a one-line correction replaces."""
    return EDITABLE_PART.get(kind_of(name), "name")


def label_of(name: str, language: str = "en") -> str:
    """The label of a field by catalogue or extraction name (its name spelt out if unknown)."""
    found = BY_EXTRACTION.get(name) or BY_NAME.get(name)
    return found.label(language) if found else name.replace("_", " ")


def activity_fields() -> tuple[Field, ...]:
    """Fields stored in an ``activity`` column."""
    return tuple(f for f in FIELDS if f.activity_column)


def column_fields() -> tuple[Field, ...]:
    """Extracted fields that fill an ``activity`` column when a draft is made or accepted."""
    return tuple(f for f in FIELDS if f.activity_column and f.extracted_as)


def child_fields() -> tuple[Field, ...]:
    """Extracted list fields that become participant or link rows."""
    return tuple(f for f in FIELDS if f.role or f.link)


def editable_fields() -> tuple[Field, ...]:
    """Fields an editor may change on an activity."""
    return tuple(f for f in FIELDS if f.editable)


def reviewable_fields() -> tuple[Field, ...]:
    """Fields a reviewer may add a missed value for (by extraction name)."""
    return tuple(f for f in FIELDS if f.reviewable)


def exported_fields() -> tuple[Field, ...]:
    """Columns of the activities export, in order."""
    return tuple(f for f in FIELDS if f.exported)


def facts(record: Any) -> list[tuple[Field, Any]]:
    """The shown fields ``record`` (a mapping or a model) has a value for, in catalogue order.

    The activity page, the review page and ``wpstrack show`` list an activity's facts with
    this, so a field added to the catalogue appears on all of them.
    """
    data = record if isinstance(record, dict) else getattr(record, "__dict__", {})
    found = []
    for f in FIELDS:
        value = data.get(f.name)
        if f.shown and value not in (None, "", []):
            found.append((f, value))
    return found


def describe_schema(schema: dict[str, Any]) -> None:
    """Label the catalogue's fields in a model's JSON schema (``json_schema_extra``).

    The API's models name their fields for Python; their OpenAPI document, and the API
    reference built from it, take each field's labels from the catalogue.
    """
    for name, prop in (schema.get("properties") or {}).items():
        found = BY_NAME.get(name)
        if found is not None:
            prop["title"] = found.label_en
            prop["x-label-ja"] = found.label_ja
            prop["x-kind"] = found.kind


def fit(field: Field, value: Any) -> Any:
    """``value`` as ``field``'s column stores it: typed, and text cut to the column width.

    Extractor output and corrections arrive as JSON (ISO strings for dates); a value that
    cannot be read as the column's type is None rather than a failed insert.
    """
    if value is None or value == "":
        return None
    kind = field.type
    try:
        if kind == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        if kind == "datetime":
            return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if kind == "int":
            return _plausible(field.name, value)
    except (TypeError, ValueError, OverflowError):
        return None
    if kind == "str":
        text = str(value)
        return text[: field.width] if field.width else text
    return value


# The widest a 32-bit integer column holds on both backends.
_INT_RANGE = (-(2**31), 2**31 - 1)


def _plausible(name: str, value: Any) -> int | None:
    """A whole number within the field's plausible range (``limits.NUMBER_RANGES``), else
    None: an absurd number ("for 99999999999999999999 minutes") would overflow the integer
    column and end the batch, whether it came from the extractor or a hand-built record."""
    number = float(value)
    low, high = NUMBER_RANGES.get(name, _INT_RANGE)
    if not (math.isfinite(number) and low <= number <= high):
        return None
    return round(number)
