"""The dataset catalogue: list, metadata, periods, upload, delete."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Response, UploadFile

from smartspec.domains.accounts.rules import Account, require_role
from smartspec.domains.datasets import service as queries
from smartspec.services.api.deps import AccountDep, AppDep
from smartspec.services.api.errors import ERROR_RESPONSES, ErrorResponse
from smartspec.services.api.schemas import DatasetDetail, DatasetList, PeriodList

router = APIRouter(tags=["datasets"], responses=ERROR_RESPONSES)

#: The roles that may upload datasets (deleting is for administrators).
UPLOADERS = ("admin", "editor")


def uploader(account: AccountDep) -> Account:
    """The account of an upload, when its role may upload (checked before the form is read)."""
    return require_role(account, UPLOADERS, "uploading a dataset")


Duplicates = Literal["error", "sum", "mean", "max", "min", "first", "last"]


@router.get("/datasets", response_model=DatasetList, summary="List the datasets")
def list_datasets(app: AppDep) -> dict[str, Any]:
    """Every dataset served: bundled, files given to ``serve --data``, uploaded."""
    return {"items": [queries.dataset_document(app, r) for r in app.catalogue()]}


@router.post(
    "/datasets",
    response_model=DatasetDetail,
    status_code=201,
    summary="Upload a dataset",
    responses={
        413: {"model": ErrorResponse, "description": "The file is larger than max_upload_mb."}
    },
)
def upload_dataset(
    app: AppDep,
    account: Annotated[Account, Depends(uploader)],
    file: Annotated[UploadFile, File(description="CSV, TSV, Parquet or Excel long table.")],
    region: Annotated[str, Form(description="Column holding the region code.")],
    activity: Annotated[str, Form(description="Column holding the activity code.")],
    value: Annotated[str, Form(description="Column holding the value.")],
    period: Annotated[str | None, Form(description="Column holding the period.")] = None,
    duplicates: Annotated[
        Duplicates, Form(description="Rows repeating a key: refuse them, or combine them.")
    ] = "error",
    sheet: Annotated[str | None, Form(description="Sheet of a workbook (the first).")] = None,
    decimal: Annotated[
        Literal[".", ","],
        Form(
            description="Decimal separator of the values: '.' (1234.5) or ',' (1234,5 or "
            "1.234,5, a point then only between groups of three digits)."
        ),
    ] = ".",
    missing: Annotated[
        Literal["error", "flag"],
        Form(
            description="Empty value cells: an error, or 'flag': values suppressed or "
            "confidential in the source, kept as missing cells (never read as zero)."
        ),
    ] = "error",
    title: Annotated[str | None, Form(description="Title (default: the file name).")] = None,
    licence: Annotated[str | None, Form(description="Licence of the data.")] = None,
    source: Annotated[str | None, Form(description="Where the data comes from.")] = None,
    region_name: Annotated[
        str | None, Form(description="Column holding the region names (optional).")
    ] = None,
    activity_name: Annotated[
        str | None, Form(description="Column holding the activity names (optional).")
    ] = None,
    region_name_es: Annotated[
        str | None, Form(description="Column holding Spanish region names (optional).")
    ] = None,
    activity_name_es: Annotated[
        str | None, Form(description="Column holding Spanish activity names (optional).")
    ] = None,
) -> dict[str, Any]:
    """Validate the file with smartspec's reader and store it only when it is valid.

    A file that cannot be used answers 422 with the reader's message (the file, column and line);
    nothing is stored then. ``region_name`` and ``activity_name`` name columns holding labels:
    they are stored with the dataset and served by ``/regions`` and ``/activities``
    (``region_name_es`` / ``activity_name_es``: Spanish names, served with ``lang=es``).
    ``decimal=,`` reads values written with a decimal comma, and ``missing=flag`` keeps empty
    values as suppressed cells (both kept in the dataset's mapping).

    Needs an account with the role ``admin`` or ``editor`` (401 without one, 403 for another
    role).
    """
    mapping = {
        "region": region,
        "activity": activity,
        "value": value,
        "period": period,
        "duplicates": duplicates,
        "sheet": sheet,
        "decimal": decimal if decimal != "." else None,
        "missing": missing if missing != "error" else None,
    }
    record = app.add_dataset(
        file.file,
        mapping,
        title or None,
        filename=file.filename or "upload",
        licence=licence or None,
        source=source or None,
        region_name=region_name or None,
        activity_name=activity_name or None,
        region_name_es=region_name_es or None,
        activity_name_es=activity_name_es or None,
    )
    return queries.dataset_document(app, record.id, detail=True)


@router.get("/datasets/{dataset}", response_model=DatasetDetail, summary="A dataset's metadata")
def get_dataset(app: AppDep, dataset: str) -> dict[str, Any]:
    """Title, description, source, licence, periods, sizes and column mapping."""
    return queries.dataset_document(app, dataset, detail=True)


@router.delete(
    "/datasets/{dataset}",
    status_code=204,
    summary="Delete an uploaded dataset",
    response_class=Response,
    responses={409: {"model": ErrorResponse, "description": "Not an uploaded dataset."}},
)
def delete_dataset(app: AppDep, account: AccountDep, dataset: str) -> Response:
    """Delete an uploaded dataset (its row, file and cached analyses); administrators only."""
    require_role(account, ("admin",), "deleting a dataset")
    app.delete_dataset(dataset)
    return Response(status_code=204)


@router.get("/datasets/{dataset}/periods", response_model=PeriodList, summary="Periods")
def list_periods(app: AppDep, dataset: str) -> dict[str, Any]:
    """The dataset's periods with totals and how many regions and activities have data."""
    return queries.periods(app, dataset)
