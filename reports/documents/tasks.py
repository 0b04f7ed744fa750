"""Background rendering of a document's PDF (Django's tasks framework).

With the database backend (settings.TASKS) `python manage.py db_worker` runs the tasks; the
page that asked for the PDF follows the task result's status (READY, RUNNING, SUCCESSFUL,
FAILED) and offers the download once the PDF is stored on the document; a task that waits
with no live worker to take it is told apart (wards/task_workers.py).
"""

from django.tasks import TaskResultStatus, task
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from reports.documents import pdf
from reports.documents.models import Document
from wards import task_workers

Status = TaskResultStatus


@task
def render_document_pdf(document_id: int) -> int:
    """Render and store the document's PDF (nothing is laid out if it is current); its pages."""
    document = Document.objects.select_related("ward__province", "province").get(pk=document_id)
    pdf.stored_or_rendered_pdf(document)
    document.refresh_from_db(fields=["pdf_pages"])
    return document.pdf_pages or 0


def enqueue_pdf(document: Document):
    """Queue the rendering; the TaskResult (an immediate backend has already run it)."""
    return render_document_pdf.enqueue(document_id=document.pk)


def pdf_result(document: Document, result_id: str):
    """The rendering task result with this id if it belongs to this document, else None."""
    try:
        result = render_document_pdf.get_result(result_id)
    except (TaskResultDoesNotExist, TaskResultMismatch, NotImplementedError, ValueError):
        return None
    if result.kwargs.get("document_id") != document.pk:
        return None
    return result


def waiting_without_worker(result):
    """How long this queued rendering has waited with no worker running to take it (past
    TASK_NO_WORKER_SECONDS), else None: it waits normally, runs, or has finished."""
    if result.status != Status.READY:
        return None
    return task_workers.unserved_wait(result)
