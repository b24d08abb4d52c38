"""18.0.1.4.0: a case's currency and overlap flag are stored.

The kanban, the lists and the "Overlapping help" filter read them as columns.
On a database made before, the ORM would compute the flag for every case at
the update, one batch of cases at a time: the columns are made here instead,
as the fields compute them (an overlap when one of the case's interventions
has one; the Comune's currency, in the same statement).
"""


def migrate(cr, version):
    cr.execute(
        """
        ALTER TABLE family_case
            ADD COLUMN IF NOT EXISTS currency_id integer,
            ADD COLUMN IF NOT EXISTS has_overlap boolean
        """
    )
    cr.execute(
        """
        UPDATE family_case c
           SET currency_id = company.currency_id,
               has_overlap = EXISTS (
                   SELECT 1
                     FROM family_intervention i
                    WHERE i.case_id = c.id AND i.has_overlap
               )
          FROM res_company company
         WHERE company.id = c.company_id
        """
    )
