-- How each fiche's offers split by hiring sector (NAF), establishment size, qualification and experience
-- required: one row per fiche × territory × year × dimension × modality, with its share and rank.
with

offres as (
    -- the région's offers with a fiche, counted by day and modality (a nightly run reads no history)
    select * from {{ ref('int_offres__repartitions_jour') }}
),

fiches as (
    select distinct fiche_id, libelle_fiche from {{ ref('stg_referentiels__fiches_metiers') }}
),

offres_territoires as (
    select offres.*, t.niveau_territoire, t.code_territoire, t.libelle_territoire
    from offres
    {{ territory_levels() }}
),

counts as (
    select
        fiche_id,
        niveau_territoire,
        code_territoire,
        any_value(libelle_territoire) as libelle_territoire,
        cast(annee_creation as integer) as annee,
        dimension,
        modalite,
        coalesce(any_value(libelle_modalite), 'Non renseigné') as libelle_modalite,
        cast(sum(nb_offres) as bigint) as nb_offres
    from offres_territoires
    group by fiche_id, niveau_territoire, code_territoire, annee_creation, dimension, modalite
),

final as (
    select
        counts.fiche_id,
        fiches.libelle_fiche,
        niveau_territoire,
        code_territoire,
        libelle_territoire,
        annee,
        dimension,
        modalite,
        libelle_modalite,
        nb_offres,
        cast(sum(nb_offres) over (partition by counts.fiche_id, niveau_territoire, code_territoire, annee, dimension)
            as bigint) as nb_offres_total,
        nb_offres / sum(nb_offres) over (
            partition by counts.fiche_id, niveau_territoire, code_territoire, annee, dimension
        ) as part_offres,
        rank() over (
            partition by counts.fiche_id, niveau_territoire, code_territoire, annee, dimension
            order by nb_offres desc
        ) as rang
    from counts
    inner join fiches using (fiche_id)
)

select * from final
