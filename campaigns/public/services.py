"""The one write a visitor makes on the public pages: a pledge code to transfer with."""

from django.db import IntegrityError, transaction

from campaigns.models import Campaign, Pledge, unused_code
from campaigns.services import FundRefusal

NO_ACCOUNT = (
    "Quỹ này chưa có tài khoản nhận chuyển khoản, nên chưa nhận mã chuyển khoản riêng. "
    "Hãy ủng hộ trực tiếp tại Ủy ban MTTQ."
)


def pledge_create(*, campaign: Campaign, amount: int | None = None) -> Pledge:
    """A new pledge of the fund, with an unused code; nothing personal is kept."""
    if not campaign.has_bank_account:
        raise FundRefusal(NO_ACCOUNT)
    if amount is not None and amount <= 0:
        raise FundRefusal("Số tiền dự định phải lớn hơn 0, hoặc để trống.")
    for _attempt in range(3):
        try:
            with transaction.atomic():
                # Two visitors drawing the same free code at once: the constraint refuses the
                # second, which draws again.
                return Pledge.objects.create(
                    campaign=campaign, code=unused_code(campaign.pledges, "code"), amount=amount
                )
        except IntegrityError:
            continue
    raise FundRefusal("Chưa tạo được mã chuyển khoản; hãy thử lại.")
