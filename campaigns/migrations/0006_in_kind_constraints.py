# Separate from 0003: on PostgreSQL a table whose rows 0003 updated cannot be altered in the
# same transaction ("pending trigger events").

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0005_in_kind_fields'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='disbursement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('amount__gt', 0), ('amount__isnull', False), ('form', 'cash'), ('in_kind_description', ''), ('in_kind_quantity__isnull', True), ('in_kind_unit', '')), models.Q(('form', 'in_kind'), ('in_kind_quantity__gt', 0), ('in_kind_quantity__isnull', False), models.Q(('in_kind_unit', ''), _negated=True), models.Q(('in_kind_description', ''), _negated=True), models.Q(('amount__isnull', True), ('amount__gt', 0), _connector='OR')), _connector='OR'), name='disbursement_cash_or_complete_goods', violation_error_message='Khoản chi bằng tiền cần số tiền lớn hơn 0; khoản chi bằng hiện vật cần số lượng lớn hơn 0, đơn vị tính và tên hiện vật.'),
        ),
        migrations.AddConstraint(
            model_name='donation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('amount__gt', 0), ('amount__isnull', False), ('form', 'cash'), ('in_kind_description', ''), ('in_kind_quantity__isnull', True), ('in_kind_unit', '')), models.Q(('form', 'in_kind'), ('in_kind_quantity__gt', 0), ('in_kind_quantity__isnull', False), models.Q(('in_kind_unit', ''), _negated=True), models.Q(('in_kind_description', ''), _negated=True), models.Q(('amount__isnull', True), ('amount__gt', 0), _connector='OR')), _connector='OR'), name='donation_cash_or_complete_goods', violation_error_message='Khoản ủng hộ bằng tiền cần số tiền lớn hơn 0; khoản ủng hộ bằng hiện vật cần số lượng lớn hơn 0, đơn vị tính và tên hiện vật.'),
        ),
    ]
