-- "1 emploi = 1 formation" for the whole sector, by département of the région and year: eligible hiring
-- intentions of the 11 fiches métiers, covered or not by an agreed provider for their fiche in the
-- département, and how many fiches have intentions without a provider, or providers without intentions.
with

par_fiche as (
    select * from {{ ref('emploi_formation_annuel') }}
),

final as (
    select
        annee,
        code_departement,
        any_value(libelle_departement) as libelle_departement,
        cast(sum(nb_intentions_eligibles) as bigint) as nb_intentions_eligibles,
        cast(sum(nb_intentions_eligibilite_inconnue) as bigint) as nb_intentions_eligibilite_inconnue,
        cast(sum(nb_intentions_avec_organisme) as bigint) as nb_intentions_avec_organisme,
        cast(sum(nb_intentions_sans_organisme) as bigint) as nb_intentions_sans_organisme,
        sum(nb_intentions_sans_organisme) / nullif(sum(nb_intentions_eligibles), 0) as part_intentions_sans_organisme,
        cast(count(*) filter (where nb_intentions_sans_organisme > 0) as bigint) as nb_fiches_sans_organisme,
        count(*) filter (where statut = 'organismes_sans_intention') as nb_fiches_organismes_sans_intention
    from par_fiche
    group by annee, code_departement
)

select * from final
