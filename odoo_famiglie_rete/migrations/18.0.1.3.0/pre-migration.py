"""18.0.1.3.0: an overlap found stays on record on the intervention.

``overlap_detected`` and ``overlap_resolved`` are stored and computed with
the overlap flag. On a database made before, the ORM would compute them for
every intervention at the update (a million rows at the design's size): the
columns are made here instead, from what the flag says today (an overlap
flagged now is detected; none is known to be resolved yet).
"""


def migrate(cr, version):
    cr.execute(
        """
        ALTER TABLE family_intervention
            ADD COLUMN IF NOT EXISTS overlap_detected boolean,
            ADD COLUMN IF NOT EXISTS overlap_resolved boolean
        """
    )
    cr.execute(
        """
        UPDATE family_intervention
           SET overlap_detected = COALESCE(has_overlap, FALSE),
               overlap_resolved = FALSE
         WHERE overlap_detected IS NULL
        """
    )
