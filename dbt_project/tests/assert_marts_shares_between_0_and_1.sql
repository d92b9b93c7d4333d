-- Every share (part_*) of every observation mart lies within [0, 1]: a share above 1 means a numerator
-- counted on more rows than its denominator (a join that multiplied rows, a filter missing on one side).
-- Columns are read from the warehouse, so a share added later is checked without editing this test.
{{ config(meta={'why': "A share above 1 or below 0: a join that multiplied rows or a filter missing on one side."}) }}
{%- set marts = [
    ref('portrait_chiffres_cles'), ref('portrait_contrats_par_branche'), ref('portrait_contrats_par_age'),
    ref('portrait_contrats_par_niveau'), ref('portrait_contrats_par_sexe'), ref('portrait_contrats_par_taille'),
    ref('portrait_contrats_par_certification'), ref('portrait_contrats_par_departement'),
    ref('portrait_offres_mensuel'), ref('portrait_offres_annuel'), ref('portrait_emploi_formation'),
    ref('fiche_offres_mensuel'), ref('fiche_offres_annuel'), ref('fiche_offres_repartitions'),
    ref('fiche_contrats_pro_annuel'), ref('fiche_contrats_par_niveau'), ref('fiche_pression_recrutement'),
    ref('fiche_chiffres_cles'), ref('emploi_formation_annuel'),
] %}
{%- set checks = [] %}
{%- if execute %}
    {%- for mart in marts %}
        {%- for column in adapter.get_columns_in_relation(mart) if column.name.startswith('part_') %}
            {%- do checks.append("select '" ~ mart.identifier ~ "' as mart, '" ~ column.name ~ "' as colonne, "
                ~ column.name ~ " as valeur from " ~ mart ~ " where " ~ column.name ~ " < 0 or " ~ column.name ~ " > 1") %}
        {%- endfor %}
    {%- endfor %}
{%- endif %}
{% if checks %}
{{ checks | join('\nunion all\n') }}
{% else %}
select null as mart, null as colonne, null as valeur where false
{% endif %}
