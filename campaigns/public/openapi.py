"""The OpenAPI 3.1 description of the public read API (campaigns/public/api.py), by hand.

Served at /cong-khai/api/v1/openapi.json; tests/campaigns/public/test_api.py validates it with
openapi-spec-validator, calls every path it lists and checks each answer against its schema.
"""

import copy

VERSION = "1.0.0"

_NULLABLE_INT = {"type": ["integer", "null"]}
_DAY = {"type": "string", "format": "date"}
_NULLABLE_DAY = {"type": ["string", "null"], "format": "date"}
_URL = {"type": "string", "format": "uri"}
_NULLABLE_URL = {"type": ["string", "null"], "format": "uri"}


def _object(properties: dict, *, optional: tuple = ()) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [name for name in properties if name not in optional],
        "properties": properties,
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(item: dict) -> dict:
    return {"type": "array", "items": item}


CAMPAIGN = {
    "id": {"type": "integer"},
    "name": {"type": "string"},
    "kind": {"enum": ["fund", "housing"]},
    "kind_label": {"type": "string"},
    "status": {"enum": ["planned", "active", "closed"]},
    "status_label": {"type": "string"},
    "level": {
        "enum": ["ward", "province"],
        "description": "Quỹ của phường, xã hay cuộc vận động của tỉnh, thành phố.",
    },
    "starts_on": _DAY,
    "ends_on": _NULLABLE_DAY,
    "reference": {
        "type": ["string", "null"],
        "description": "Mã tham chiếu chung của quỹ, ghi trong nội dung chuyển khoản.",
        "examples": ["MT7K2AX"],
    },
    "account": _ref("Account"),
}

RECEIVED = {
    "cash": {"type": "integer"},
    "cash_rows": {"type": "integer"},
    "goods": _list(_ref("Goods")),
    "goods_value": {"type": "integer"},
}

SCHEMAS = {
    "Place": _object(
        {"code": {"type": "string", "examples": ["30301"]}, "name": {"type": "string"}}
    ),
    "Account": {
        "oneOf": [
            {"type": "null"},
            _object(
                {
                    "bank_bin": {"type": "string", "description": "Mã ngân hàng (NAPAS BIN)."},
                    "account_number": {"type": "string"},
                    "account_name": {"type": "string"},
                }
            ),
        ],
        "description": "Tài khoản nhận chuyển khoản của quỹ; null nếu quỹ chưa công bố.",
    },
    "WardTotals": _object(
        {
            "cash_received": {"type": "integer", "description": "Tiền mặt đã nhận (đồng)."},
            "goods_value_received": {
                "type": "integer",
                "description": "Giá trị quy đổi của hiện vật đã nhận (đồng), không phải tiền.",
            },
            "grand_total": {
                "type": "integer",
                "description": "Tổng cộng tiền mặt và hiện vật quy đổi (đồng).",
            },
            "cash_paid": {"type": "integer"},
            "cash_balance": {"type": "integer", "description": "Số dư tiền mặt (đồng)."},
        }
    ),
    "FundTotals": _object(
        {
            "cash_received": {"type": "integer"},
            "receipt_rows": {"type": "integer"},
            "reversed_rows": {
                "type": "integer",
                "description": "Khoản thu đã điều chỉnh: liệt kê nhưng không tính.",
            },
            "goods_value_received": {"type": "integer"},
            "grand_total": {"type": "integer"},
            "cash_paid": {"type": "integer"},
            "payment_rows": {"type": "integer"},
            "goods_value_paid": {"type": "integer"},
            "cash_balance": {"type": "integer"},
        }
    ),
    "FundUrls": _object(
        {
            "self": _URL,
            "lines": _URL,
            "page": _URL,
            "csv": _URL,
            "xlsx": _URL,
            "drive": _URL,
        },
        optional=("drive",),
    ),
    "WardFund": _object({**CAMPAIGN, "totals": _ref("WardTotals"), "urls": _ref("FundUrls")}),
    "WardFunds": _object(
        {
            "ward": _object(
                {
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                    "province": _ref("Place"),
                }
            ),
            "funds": _list(_ref("WardFund")),
            "urls": _object({"page": _URL, "csv": _URL, "xlsx": _URL}),
        }
    ),
    "ProvinceFunds": _object(
        {
            "province": _ref("Place"),
            "drives": _list(
                _object(
                    {
                        **CAMPAIGN,
                        "committee_totals": _object(
                            {
                                "cash_received": {"type": "integer"},
                                "goods_value_received": {"type": "integer"},
                                "cash_allocated": {"type": "integer"},
                                "cash_held": {"type": "integer"},
                            }
                        ),
                        "urls": _object({"self": _URL, "page": _URL}),
                    }
                )
            ),
            "communes": _list(
                _object(
                    {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "funds_url": _URL,
                        "funds": _list(
                            _object(
                                {
                                    **CAMPAIGN,
                                    "totals": _ref("WardTotals"),
                                    "urls": _object({"self": _URL}),
                                }
                            )
                        ),
                    }
                )
            ),
        }
    ),
    "Verification": {
        "oneOf": [
            {"type": "null"},
            _object(
                {
                    "status": {
                        "enum": [
                            "bank_verified",
                            "bank_unverified",
                            "hand_cash",
                            "hand_goods",
                            "hand_other",
                        ],
                        "description": "bank_verified: đã đối chiếu với một dòng sao kê "
                        "ngân hàng; bank_unverified: chuyển khoản chưa đối chiếu; hand_*: "
                        "cán bộ ghi tay (tiền mặt, hiện vật, kênh khác).",
                    },
                    "label": {
                        "type": "string",
                        "examples": ["Đã đối chiếu sao kê ngày 06/03/2026"],
                    },
                    "statement_line_date": _NULLABLE_DAY,
                    "statement_from": _NULLABLE_DAY,
                    "statement_to": _NULLABLE_DAY,
                }
            ),
        ],
        "description": "Khoản thu: đã đối chiếu sao kê hay ghi tay; khoản chi: null.",
    },
    "Line": _object(
        {
            "kind": {"enum": ["receipt", "payment"]},
            "date": _DAY,
            "reference": {
                "type": "string",
                "description": "Số biên nhận (khoản thu) hoặc số quyết định (khoản chi).",
            },
            "name": {
                "type": "string",
                "description": "Như trên trang: cá nhân chỉ họ và chữ cái đầu; “Nhà hảo tâm” "
                "cho người không công khai tên.",
            },
            "content": {"type": "string"},
            "form": {"enum": ["cash", "in_kind"]},
            "cash": {**_NULLABLE_INT, "description": "Tiền mặt (đồng); null với hiện vật."},
            "goods_value": {
                **_NULLABLE_INT,
                "description": "Giá trị quy đổi của hiện vật (đồng); null với tiền mặt hoặc "
                "hiện vật chưa quy đổi.",
            },
            "reversed": {"type": "boolean"},
            "verification": _ref("Verification"),
        }
    ),
    "LinePage": _object(
        {
            "count": {"type": "integer"},
            "page": {"type": "integer"},
            "limit": {"type": "integer"},
            "pages": {"type": "integer"},
            "next": _NULLABLE_URL,
            "previous": _NULLABLE_URL,
            "fund": _URL,
            "totals": _ref("FundTotals"),
            "results": _list(_ref("Line")),
        }
    ),
    "Balances": _object(
        {
            "verification": _object(
                {
                    "verified_rows": {"type": "integer"},
                    "verified_cash": {"type": "integer"},
                    "bank_unverified_rows": {"type": "integer"},
                    "bank_unverified_cash": {"type": "integer"},
                    "hand_rows": {"type": "integer"},
                    "hand_cash": {"type": "integer"},
                    "goods_rows": {"type": "integer"},
                }
            ),
            "books": {"type": "integer", "description": "Số dư tiền mặt theo sổ sách (đồng)."},
            "statement": {
                "oneOf": [
                    {"type": "null"},
                    _object(
                        {
                            "account_number": {"type": "string"},
                            "first_on": _DAY,
                            "last_on": _DAY,
                            "imported_at": {"type": "string", "format": "date-time"},
                            "closing_balance": {"type": "integer"},
                        }
                    ),
                ],
                "description": "Sao kê mới nhất đã nhập của tài khoản quỹ có số dư cuối kỳ.",
            },
            "difference": {
                **_NULLABLE_INT,
                "description": "Số dư theo sổ sách trừ số dư theo sao kê.",
            },
            "explained": _list(
                _object(
                    {
                        "key": {
                            "enum": [
                                "hand_cash",
                                "received_after",
                                "paid_after",
                                "unrecorded",
                                "set_aside",
                                "other_funds",
                            ]
                        },
                        "label": {"type": "string"},
                        "amount": {"type": "integer", "description": "Có dấu: phần chênh lệch."},
                        "rows": _NULLABLE_INT,
                    }
                )
            ),
            "unexplained": {
                **_NULLABLE_INT,
                "description": "Chênh lệch trừ các phần đã giải thích, công bố nguyên như vậy.",
            },
            "goods_note": {"type": "string"},
        }
    ),
    "FundDetail": _object(
        {
            **CAMPAIGN,
            "totals": _ref("FundTotals"),
            "urls": _ref("FundUrls"),
            "ward": _object(
                {
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                    "province": _ref("Place"),
                }
            ),
            "balances": _ref("Balances"),
        }
    ),
    "Goods": _object(
        {
            "description": {"type": "string"},
            "unit": {"type": "string"},
            "quantity": {"type": "number"},
            "value": {"type": "integer"},
            "unvalued_rows": {"type": "integer"},
        }
    ),
    "Received": _object(RECEIVED),
    "Held": _object(
        {
            "cash": {"type": "integer"},
            "goods": _list(
                _object(
                    {
                        "description": {"type": "string"},
                        "unit": {"type": "string"},
                        "quantity": {"type": "number"},
                    }
                )
            ),
        }
    ),
    "Allocation": _object(
        {
            "ward": _ref("Place"),
            "decision_number": {"type": "string"},
            "decision_date": _DAY,
            "purpose": {"type": "string"},
            "form": {"enum": ["cash", "in_kind"]},
            "cash": _NULLABLE_INT,
            "goods": {
                "oneOf": [
                    {"type": "null"},
                    _object(
                        {
                            "description": {"type": "string"},
                            "unit": {"type": "string"},
                            "quantity": {"type": "number"},
                            "value": _NULLABLE_INT,
                        }
                    ),
                ]
            },
            "confirmed_on": {
                **_NULLABLE_DAY,
                "description": "Ngày xã xác nhận đã nhận; null: chờ xã xác nhận.",
            },
            "reversed": {"type": "boolean"},
        }
    ),
    "Drive": _object(
        {
            **CAMPAIGN,
            "province": _ref("Place"),
            "received": _object(
                {
                    "province_committee": _ref("Received"),
                    "communes": _ref("Received"),
                    "cash": {"type": "integer"},
                    "goods_value": {"type": "integer"},
                    "grand_total": {"type": "integer"},
                }
            ),
            "allocations": _list(_ref("Allocation")),
            "allocated_cash": {"type": "integer"},
            "allocated_goods": _list(_ref("Goods")),
            "collections": _list(_object({**RECEIVED, "ward": _ref("Place"), "url": _URL})),
            "communes": _list(
                _object({"code": {"type": "string"}, "name": {"type": "string"}, "url": _URL})
            ),
            "held": _ref("Held"),
            "urls": _object({"page": _URL}),
        }
    ),
    "CommuneTrail": _object(
        {
            "drive": _object({**CAMPAIGN, "url": _URL}),
            "ward": _ref("Place"),
            "allocations": _list(_ref("Allocation")),
            "allocated_cash_confirmed": {"type": "integer"},
            "allocated_goods_confirmed": _list(_ref("Goods")),
            "allocated_cash_pending": {"type": "integer"},
            "collected": _ref("Received"),
            "paid": _object(
                {
                    "cash": {"type": "integer"},
                    "rows": {"type": "integer"},
                    "goods": _list(_ref("Goods")),
                }
            ),
            "houses": _list(
                _object(
                    {
                        "name": {"type": "string"},
                        "area": {"type": "string"},
                        "kind": {"type": "string"},
                        "stage": {"type": "string"},
                        "handed_over_on": _NULLABLE_DAY,
                        "from_fund": {"type": "integer"},
                    }
                )
            ),
            "held": _ref("Held"),
            "urls": _object({"payments": _URL, "page": _URL}),
        }
    ),
    "Payment": _object(
        {
            "date": _DAY,
            "name": {"type": "string", "description": "Chủ hộ: họ và chữ cái đầu."},
            "area": {"type": "string"},
            "purpose": {"type": "string"},
            "description": {"type": "string"},
            "reference": {"type": "string"},
            "form": {"enum": ["cash", "in_kind"]},
            "cash": _NULLABLE_INT,
            "goods": {"type": ["string", "null"]},
            "goods_value": _NULLABLE_INT,
        }
    ),
    "PaymentPage": _object(
        {
            "count": {"type": "integer"},
            "page": {"type": "integer"},
            "limit": {"type": "integer"},
            "pages": {"type": "integer"},
            "next": _NULLABLE_URL,
            "previous": _NULLABLE_URL,
            "results": _list(_ref("Payment")),
        }
    ),
    "Index": _object(
        {
            "openapi": _URL,
            "docs": _URL,
            "provinces": _list(
                _object({"code": {"type": "string"}, "name": {"type": "string"}, "funds": _URL})
            ),
        }
    ),
    "Error": _object(
        {
            "error": {"type": "string", "description": "Lý do, bằng tiếng Việt."},
            "fields": {
                "type": "object",
                "additionalProperties": _list({"type": "string"}),
            },
        },
        optional=("fields",),
    ),
}

PARAMETERS = {
    "ward_code": {
        "name": "ward_code",
        "in": "path",
        "required": True,
        "description": "Mã phường, xã.",
        "schema": {"type": "string"},
    },
    "province_code": {
        "name": "province_code",
        "in": "path",
        "required": True,
        "description": "Mã tỉnh, thành phố.",
        "schema": {"type": "string"},
    },
    "fund_id": {
        "name": "fund_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer"},
    },
    "drive_id": {
        "name": "drive_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer"},
    },
    "trang": {
        "name": "trang",
        "in": "query",
        "description": "Số trang, từ 1 (cũng nhận tên page).",
        "schema": {"type": "integer", "minimum": 1, "default": 1},
    },
    "page": {
        "name": "page",
        "in": "query",
        "description": "Như trang.",
        "schema": {"type": "integer", "minimum": 1},
    },
    "limit": {
        "name": "limit",
        "in": "query",
        "description": "Số dòng mỗi trang.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
    },
    "q": {
        "name": "q",
        "in": "query",
        "description": "Như ô tìm trên trang: mã chuyển khoản (MT…), số tham chiếu ngân hàng, "
        "số tiền và ngày (“500.000 05/03/2026”), số biên nhận, tên như đang hiển thị.",
        "schema": {"type": "string", "maxLength": 100},
    },
    "loai": {
        "name": "loai",
        "in": "query",
        "description": "thu: chỉ khoản thu; chi: chỉ khoản chi.",
        "schema": {"enum": ["", "thu", "chi"]},
    },
    "so_tien_tu": {
        "name": "so_tien_tu",
        "in": "query",
        "description": "Số tiền từ (đồng), viết như 1.000.000 hoặc 1000000.",
        "schema": {"type": "string"},
    },
    "so_tien_den": {
        "name": "so_tien_den",
        "in": "query",
        "description": "Số tiền đến (đồng).",
        "schema": {"type": "string"},
    },
    "tu_ngay": {
        "name": "tu_ngay",
        "in": "query",
        "description": "Từ ngày, dd/mm/yyyy.",
        "schema": {"type": "string", "examples": ["01/03/2026"]},
    },
    "den_ngay": {
        "name": "den_ngay",
        "in": "query",
        "description": "Đến ngày, dd/mm/yyyy.",
        "schema": {"type": "string"},
    },
}

_VALIDATOR_HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": "Gửi lại trong If-None-Match."},
    "Last-Modified": {
        "schema": {"type": "string"},
        "description": "Lúc dữ liệu đọc được ghi gần nhất (nếu biết); If-Modified-Since.",
    },
}


def _json_response(schema: str, description: str) -> dict:
    return {
        "description": description,
        "headers": _VALIDATOR_HEADERS,
        "content": {"application/json": {"schema": _ref(schema)}},
    }


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _get(summary: str, schema: str, parameters=(), *, description: str = "") -> dict:
    responses = {
        "200": _json_response(schema, "Dữ liệu."),
        "304": {"description": "Không đổi từ lần đọc trước (If-None-Match, If-Modified-Since)."},
        "404": _error("Không có nơi, quỹ hoặc cuộc vận động này."),
    }
    if any(name in ("trang", "limit", "q") for name in parameters):
        responses["400"] = _error("Tham số không hợp lệ; lý do bằng tiếng Việt.")
    operation = {
        "summary": summary,
        "operationId": schema[0].lower() + schema[1:] + "Get",
        "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in parameters],
        "responses": responses,
    }
    if description:
        operation["description"] = description
    return {"get": operation}


FILTERS = ("q", "loai", "so_tien_tu", "so_tien_den", "tu_ngay", "den_ngay")
PAGING = ("trang", "page", "limit")

PATHS = {
    "/": {
        "get": {
            "summary": "Mục lục: các tỉnh, thành phố và địa chỉ danh sách quỹ của từng nơi.",
            "operationId": "indexGet",
            "responses": {
                "200": _json_response("Index", "Mục lục."),
                "304": {"description": "Không đổi."},
            },
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "Mô tả API này (OpenAPI 3.1).",
            "operationId": "openapiGet",
            "responses": {
                "200": {
                    "description": "Tài liệu OpenAPI.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "304": {"description": "Không đổi."},
            },
        }
    },
    "/tinh/{province_code}/quy/": _get(
        "Các cuộc vận động của tỉnh và các quỹ của từng phường, xã trong tỉnh.",
        "ProvinceFunds",
        ("province_code",),
    ),
    "/phuong-xa/{ward_code}/quy/": _get(
        "Các quỹ của phường, xã (và cuộc vận động của tỉnh tại đó), với số tiền tại phường, xã.",
        "WardFunds",
        ("ward_code",),
    ),
    "/phuong-xa/{ward_code}/quy/{fund_id}/": _get(
        "Một quỹ tại phường, xã: tổng thu, chi, số dư theo sổ sách và theo sao kê, đối chiếu.",
        "FundDetail",
        ("ward_code", "fund_id"),
    ),
    "/phuong-xa/{ward_code}/quy/{fund_id}/khoan/": _get(
        "Từng khoản thu, chi của quỹ, mới nhất trước, theo trang.",
        "LinePage",
        ("ward_code", "fund_id", *PAGING, *FILTERS),
        description="Lọc như ô tìm kiếm trên trang sao kê. Địa chỉ trang sau ở `next` "
        "(và tiêu đề Link).",
    ),
    "/tinh/{province_code}/van-dong/{drive_id}/": _get(
        "Dòng tiền của một cuộc vận động của tỉnh: tiếp nhận, phân bổ cho xã, còn giữ.",
        "Drive",
        ("province_code", "drive_id"),
    ),
    "/tinh/{province_code}/van-dong/{drive_id}/phuong-xa/{ward_code}/": _get(
        "Một phường, xã trong cuộc vận động: nhận phân bổ, tự vận động, chi, nhà, còn giữ.",
        "CommuneTrail",
        ("province_code", "drive_id", "ward_code"),
    ),
    "/tinh/{province_code}/van-dong/{drive_id}/phuong-xa/{ward_code}/chi/": _get(
        "Các khoản phường, xã đã chi từ cuộc vận động, cũ nhất trước, theo trang.",
        "PaymentPage",
        ("province_code", "drive_id", "ward_code", *PAGING),
    ),
}

DESCRIPTION = (
    "Dữ liệu công khai thu, chi các quỹ của Ủy ban Mặt trận Tổ quốc Việt Nam các cấp, đọc tự "
    "do, không cần đăng nhập. Số tiền là số nguyên, đơn vị đồng; ngày theo ISO 8601; tiền mặt "
    "và hiện vật (giá trị quy đổi) luôn ghi riêng. Tên cá nhân chỉ có họ và chữ cái đầu, như "
    "trên trang công khai. Mỗi câu trả lời có ETag và Last-Modified; gửi lại If-None-Match để "
    "nhận 304 khi dữ liệu không đổi. Mọi nguồn (CORS) đều đọc được."
)


def description(server_url: str) -> dict:
    """The whole OpenAPI document, with the API's own address as its server."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "API dữ liệu công khai thu, chi các quỹ MTTQ",
            "version": VERSION,
            "description": DESCRIPTION,
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": copy.deepcopy(PATHS),
        "components": {
            "schemas": copy.deepcopy(SCHEMAS),
            "parameters": copy.deepcopy(PARAMETERS),
        },
    }
